package dev.chassis.core.saga;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chassis.core.envelope.Envelope;
import dev.chassis.core.saga.OrderSagaWorld.Order;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Crashes the orchestrator at every save (before it happens, or after it happened but before the
 * orchestrator learnt so), then starts a new orchestrator on the same store: every saga must end as
 * it would have without the crash, and every participant effect must happen once. The dead
 * orchestrator's leases are not released; they expire.
 */
class SagaCrashTest {
    /** The crash: an Error, so nothing in the orchestrator catches it. */
    static final class Crash extends Error {
        private static final long serialVersionUID = 1L;

        Crash() {
            super("simulated crash", null, false, false);
        }
    }

    enum When { BEFORE_SAVE, AFTER_SAVE }

    enum Scenario { COMPLETES, PAYMENT_DECLINED, INVENTORY_SILENT }

    /** A store that crashes its caller at the n-th insert or update. */
    static final class CrashingStore implements SagaStore {
        private final SagaStore delegate;
        private final int crashAt;
        private final When when;
        int saves;
        boolean crashed;

        CrashingStore(SagaStore delegate, int crashAt, When when) {
            this.delegate = delegate;
            this.crashAt = crashAt;
            this.when = when;
        }

        private void maybeCrash(When now) {
            if (saves == crashAt && when == now && !crashed) {
                crashed = true;
                throw new Crash();
            }
        }

        @Override
        public synchronized void insert(SagaInstance instance, List<SagaMessage> outgoing) {
            saves++;
            maybeCrash(When.BEFORE_SAVE);
            delegate.insert(instance, outgoing);
            maybeCrash(When.AFTER_SAVE);
        }

        @Override
        public synchronized boolean update(SagaInstance instance, List<SagaMessage> outgoing) {
            saves++;
            maybeCrash(When.BEFORE_SAVE);
            boolean saved = delegate.update(instance, outgoing);
            maybeCrash(When.AFTER_SAVE);
            return saved;
        }

        @Override
        public Optional<SagaInstance> find(String id) {
            return delegate.find(id);
        }

        @Override
        public List<SagaInstance> due(Instant now, int limit) {
            return delegate.due(now, limit);
        }

        @Override
        public List<SagaInstance> inState(SagaState state, String afterId, int limit) {
            return delegate.inState(state, afterId, limit);
        }

        @Override
        public boolean lease(String id, String owner, Instant until) {
            return delegate.lease(id, owner, until);
        }

        @Override
        public void release(String id, String owner) {
            if (crashed && owner.equals("node-1")) {
                return; // a dead process releases nothing: its leases expire
            }
            delegate.release(id, owner);
        }
    }

    /** One run: a saga, a crash at one save, a restart. */
    private static final class Run {
        final OrderSagaWorld world = new OrderSagaWorld();
        final CrashingStore store;
        /** Replies not yet acknowledged: redelivered after a crash, as a broker would. */
        final Deque<Envelope> unacked = new ArrayDeque<>();
        SagaOrchestrator orchestrator;

        Run(Scenario scenario, int crashAt, When when) {
            store = new CrashingStore(world.store, crashAt, when);
            world.declinePayments = scenario == Scenario.PAYMENT_DECLINED;
            world.inventoryAnswers = scenario != Scenario.INVENTORY_SILENT;
            orchestrator = orchestrator("node-1");
        }

        SagaOrchestrator orchestrator(String owner) {
            return SagaOrchestrator.builder(store).definition(world.definition).clock(world.clock).owner(owner).build();
        }

        /** Delivers commands and replies; a reply is acknowledged only when onReply returned. */
        void pump() {
            while (true) {
                Envelope reply = unacked.peekFirst();
                if (reply == null) {
                    SagaMessage command = world.outbox.poll();
                    if (command == null) {
                        return;
                    }
                    world.handle(command).ifPresent(unacked::addLast);
                    continue;
                }
                try {
                    orchestrator.onReply(reply);
                } catch (SagaBusyException e) {
                    return; // the dead orchestrator's lease has not expired yet: redelivered later
                }
                unacked.removeFirst();
            }
        }

        void advance() {
            world.clock.advance(Duration.ofSeconds(1));
            pump();
            orchestrator.runDue();
            pump();
        }

        /** Runs the saga to its end, restarting the orchestrator once if it crashes. */
        SagaState run() {
            String sagaId = "saga-1";
            try {
                orchestrator.start(world.definition, sagaId, new Order("o-1", 1, 100));
                pump();
                for (int s = 0; s < 120 && !store.find(sagaId).orElseThrow().state().isFinal(); s++) {
                    advance();
                }
            } catch (Crash crash) {
                // the process died; a new one starts on the same store, and the caller of start (an
                // order.created consumer) has its message redelivered
                orchestrator = orchestrator("node-2");
                while (store.find(sagaId).isEmpty()) {
                    try {
                        orchestrator.start(world.definition, sagaId, new Order("o-1", 1, 100));
                    } catch (IllegalStateException leased) {
                        world.clock.advance(Duration.ofSeconds(1)); // redelivered later
                    }
                }
                orchestrator.recover();
                pump();
                for (int s = 0; s < 120 && !store.find(sagaId).orElseThrow().state().isFinal(); s++) {
                    advance();
                }
            }
            return store.find(sagaId).orElseThrow().state();
        }
    }

    @Test
    void everySagaEndsAsWithoutTheCrashAndEveryEffectHappensOnce() {
        // given
        int sagas = 0;
        int crashes = 0;
        int completed = 0;
        int compensated = 0;
        int failed = 0;
        int duplicateEffects = 0;

        // when
        for (Scenario scenario : Scenario.values()) {
            Run dryRun = new Run(scenario, 0, When.BEFORE_SAVE);
            dryRun.run();
            int boundaries = dryRun.store.saves;
            for (When when : When.values()) {
                for (int crashAt = 1; crashAt <= boundaries; crashAt++) {
                    Run run = new Run(scenario, crashAt, when);
                    SagaState end = run.run();
                    sagas++;
                    crashes += run.store.crashed ? 1 : 0;
                    completed += end == SagaState.COMPLETED ? 1 : 0;
                    compensated += end == SagaState.COMPENSATED ? 1 : 0;
                    failed += end == SagaState.FAILED ? 1 : 0;
                    duplicateEffects += run.world.duplicateEffects();

                    // then (per run)
                    SagaState expected = scenario == Scenario.COMPLETES ? SagaState.COMPLETED : SagaState.COMPENSATED;
                    String label = scenario + " crash " + when + " #" + crashAt;
                    assertThat(end).as(label).isEqualTo(expected);
                    OrderSagaWorld w = run.world;
                    if (expected == SagaState.COMPLETED) {
                        assertThat(List.of(w.inventory.count("reserved", "o-1"), w.payments.count("charged", "o-1"),
                                w.orders.count("confirmed", "o-1"), w.shipping.count("scheduled", "o-1"),
                                w.inventory.count("released", "o-1"), w.orders.count("cancelled", "o-1")))
                                .as(label).containsExactly(1, 1, 1, 1, 0, 0);
                    } else {
                        assertThat(List.of(w.inventory.count("reserved", "o-1"), w.inventory.count("released", "o-1"),
                                w.orders.count("cancelled", "o-1"), w.orders.count("confirmed", "o-1"),
                                w.payments.count("charged", "o-1")))
                                .as(label).containsExactly(1, 1, 1, 0, 0);
                    }
                }
            }
        }

        // then
        System.out.println("sagas=" + sagas + " crashes=" + crashes + " completed=" + completed + " compensated="
                + compensated + " failed=" + failed + " duplicateEffects=" + duplicateEffects);
        assertThat(crashes).as("every run crashed once").isEqualTo(sagas);
        assertThat(failed).isZero();
        assertThat(duplicateEffects).isZero();
    }
}
