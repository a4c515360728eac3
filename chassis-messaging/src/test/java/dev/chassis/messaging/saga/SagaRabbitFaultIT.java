package dev.chassis.messaging.saga;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import dev.chassis.core.saga.SagaDefinition;
import dev.chassis.core.saga.SagaInstance;
import dev.chassis.core.saga.SagaMessage;
import dev.chassis.core.saga.SagaOrchestrator;
import dev.chassis.core.saga.SagaState;
import dev.chassis.core.saga.SagaStatus;
import dev.chassis.core.saga.SagaStore;
import dev.chassis.core.saga.SagaTransition;
import dev.chassis.messaging.RabbitEventBus;
import dev.chassis.messaging.saga.OrderSagaRabbitWorld.Order;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Crashes the order saga's orchestrator at random saves while 120 sagas run on RabbitMQ and
 * PostgreSQL, kills its database sessions and the broker connections, and starts a new orchestrator
 * (a new bus, a new pool) on the same database each time: every saga must end COMPLETED or
 * COMPENSATED and every participant effect must happen once. A crash is a store that throws an
 * Error before or after the n-th save and then refuses every call, so the dead orchestrator neither
 * saves nor releases its leases; they expire.
 */
class SagaRabbitFaultIT {
    /** The crash: an Error, so nothing in the orchestrator catches it. */
    static final class Crash extends Error {
        private static final long serialVersionUID = 1L;

        Crash(String message) {
            super(message, null, false, false);
        }
    }

    /** A store that crashes its caller at the n-th insert or update, and stays dead afterwards. */
    static final class CrashingStore implements SagaStore {
        private final SagaStore delegate;
        private final int crashAt;
        private final boolean afterSave;
        private final AtomicInteger saves = new AtomicInteger();
        volatile boolean dead;

        CrashingStore(SagaStore delegate, int crashAt, boolean afterSave) {
            this.delegate = delegate;
            this.crashAt = crashAt;
            this.afterSave = afterSave;
        }

        private void checkAlive() {
            if (dead) {
                throw new Crash("the orchestrator is dead");
            }
        }

        private void save(Runnable save) {
            checkAlive();
            boolean crashHere = saves.incrementAndGet() == crashAt;
            if (crashHere && !afterSave) {
                dead = true;
                throw new Crash("crash before save " + crashAt);
            }
            save.run();
            if (crashHere) {
                dead = true;
                throw new Crash("crash after save " + crashAt);
            }
        }

        @Override
        public void insert(SagaInstance instance, List<SagaMessage> outgoing) {
            save(() -> delegate.insert(instance, outgoing));
        }

        @Override
        public boolean update(SagaInstance instance, List<SagaMessage> outgoing) {
            boolean[] stored = new boolean[1];
            save(() -> stored[0] = delegate.update(instance, outgoing));
            return stored[0];
        }

        @Override
        public Optional<SagaInstance> find(String id) {
            checkAlive();
            return delegate.find(id);
        }

        @Override
        public List<SagaInstance> due(Instant now, int limit) {
            checkAlive();
            return delegate.due(now, limit);
        }

        @Override
        public List<SagaInstance> inState(SagaState state, String afterId, int limit) {
            checkAlive();
            return delegate.inState(state, afterId, limit);
        }

        @Override
        public boolean lease(String id, String owner, Instant until) {
            checkAlive();
            return delegate.lease(id, owner, until);
        }

        @Override
        public void release(String id, String owner) {
            checkAlive();
            delegate.release(id, owner);
        }
    }

    /** One orchestrator process: its pool, its bus, its store and the orchestrator. */
    record Node(String name, HikariDataSource pool, RabbitEventBus bus, CrashingStore store, SagaOrchestrator orchestrator) {
    }

    private OrderSagaRabbitWorld world;
    private final List<Node> nodes = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        world = new OrderSagaRabbitWorld();
    }

    @AfterEach
    void tearDown() throws Exception {
        for (Node node : nodes) {
            node.orchestrator().stop();
            node.bus().close();
        }
        world.close();
    }

    /** Starts an orchestrator process that crashes at the given save (or never, with 0). */
    private Node launch(SagaDefinition<Order> definition, String name, int crashAt, boolean afterSave) {
        HikariDataSource pool = world.pool("orchestrator");
        RabbitEventBus bus = world.bus("orchestrator-" + name);
        CrashingStore store = new CrashingStore(world.store(pool), crashAt, afterSave);
        SagaOrchestrator orchestrator = world.orchestrator(store, definition, name);
        Node node = new Node(name, pool, bus, store, orchestrator);
        nodes.add(node);
        SagaMessaging.subscribeReplies(bus, orchestrator, world.replyQueue, OrderSagaRabbitWorld.REPLIES);
        try {
            orchestrator.start();
        } catch (Crash crashedWhileRecovering) {
            // the store is dead now; the monitor replaces this node
        }
        return node;
    }

    /** The abrupt end of a process: no lease is released, in-flight replies go back to the queue. */
    private static void kill(Node node) throws Exception {
        node.store().dead = true;
        node.bus().close();
        node.orchestrator().stop();
    }

    @Test
    void everySagaEndsCompletedOrCompensatedThroughCrashesAndKilledConnections() throws Exception {
        // given
        int sagas = 120;
        int plannedCrashes = 3;
        Random random = new Random();
        SagaDefinition<Order> definition = OrderSagaRabbitWorld.definition(Duration.ofSeconds(10), 5);
        RabbitEventBus participantsBus = world.bus("participants");
        world.startParticipants(participantsBus);
        world.relay(world.bus("relay"));
        AtomicReference<Node> current = new AtomicReference<>(
                launch(definition, "node-0", 20 + random.nextInt(150), random.nextBoolean()));
        List<String> declined = new ArrayList<>();

        // when sagas start while the orchestrator crashes and is replaced
        Thread starter = new Thread(() -> {
            for (int i = 0; i < sagas; i++) {
                long amount = i % 7 == 0 ? OrderSagaRabbitWorld.CARD_LIMIT + 1 + i : 1_000 + i;
                Order order = new Order("o-" + i, amount);
                while (true) {
                    Node node = current.get();
                    try {
                        node.orchestrator().start(definition, "order-" + i, order);
                        break;
                    } catch (IllegalStateException exists) {
                        break; // stored before a crash after the save
                    } catch (Crash | RuntimeException e) {
                        if (node.store().dead) { // this process is gone: go on with its successor
                            await().atMost(Duration.ofSeconds(60)).until(() -> current.get() != node);
                        } // else a killed database session: the same process tries again
                    }
                }
            }
        }, "saga-starter");
        for (int i = 0; i < sagas; i += 7) {
            declined.add("order-" + i);
        }
        starter.start();
        int crashes = 0;
        int pgKills = 0;
        int brokerKills = 0;
        while (crashes < plannedCrashes) {
            Node node = current.get();
            await().atMost(Duration.ofSeconds(120)).until(() -> node.store().dead || finished() == sagas);
            if (!node.store().dead) {
                break;
            }
            kill(node);
            crashes++;
            boolean last = crashes == plannedCrashes;
            Node next = launch(definition, "node-" + crashes, last ? 0 : 20 + random.nextInt(200), random.nextBoolean());
            current.set(next);
            if (crashes == 1) {
                pgKills += world.terminate("orchestrator") + world.terminate("participants");
            }
            if (crashes == 2) {
                brokerKills += world.closeBrokerConnections();
            }
        }
        starter.join(TimeUnit.SECONDS.toMillis(120));
        Node survivor = current.get();
        if (survivor.store().dead) { // it died recovering: one more, never crashing
            kill(survivor);
            crashes++;
            survivor = launch(definition, "node-" + crashes, 0, false);
            current.set(survivor);
        }
        await().atMost(Duration.ofSeconds(180)).until(() -> finished() == sagas);

        // then
        long completed = world.sagas(SagaState.COMPLETED);
        long compensated = world.sagas(SagaState.COMPENSATED);
        long failed = world.sagas(SagaState.FAILED);
        long lost = sagas - completed - compensated - failed;
        long duplicateEffects = world.duplicateEffects();
        System.out.println("sagas=" + sagas + " completed=" + completed + " compensated=" + compensated + " failed="
                + failed + " crashes=" + crashes + " pgSessionsKilled=" + pgKills + " brokerConnectionsClosed="
                + brokerKills + " duplicateEffects=" + duplicateEffects + " lost=" + lost);
        assertThat(crashes).isGreaterThanOrEqualTo(1);
        assertThat(failed).isZero();
        assertThat(lost).isZero();
        assertThat(duplicateEffects).isZero();
        for (int i = 0; i < sagas; i++) {
            String sagaId = "order-" + i;
            String order = "o-" + i;
            SagaState state = survivor.orchestrator().status(sagaId).orElseThrow().state();
            if (declined.contains(sagaId)) {
                assertThat(state).as(sagaId).isEqualTo(SagaState.COMPENSATED);
                assertThat(world.effects(order, "charged")).as(order).isZero();
            }
            if (state == SagaState.COMPLETED) {
                for (String what : List.of("reserved", "charged", "confirmed", "scheduled")) {
                    assertThat(world.effects(order, what)).as(order + " " + what).isEqualTo(1);
                }
                assertThat(world.effects(order, "released") + world.effects(order, "cancelled")).as(order).isZero();
            } else {
                assertThat(world.effects(order, "released")).as(order + " released").isEqualTo(1);
                assertThat(world.effects(order, "cancelled")).as(order + " cancelled").isEqualTo(1);
            }
        }
    }

    @Test
    void aDeadlineSavedBeforeACrashFiresInTheNextOrchestrator() throws Exception {
        // given an inventory that never answers, a 3 second timeout, one attempt
        SagaDefinition<Order> definition = OrderSagaRabbitWorld.definition(Duration.ofSeconds(3), 1);
        world.startParticipants(world.bus("participants"));
        world.relay(world.bus("relay"));
        world.silentInventory.add("o-1");
        Node first = launch(definition, "node-a", 0, false);
        first.orchestrator().start(definition, "order-1", new Order("o-1", 500));
        await().atMost(Duration.ofSeconds(30)).until(() -> world.effects("o-1", "reserved") == 1);

        // when the orchestrator dies before the deadline and another one starts
        kill(first);
        Node second = launch(definition, "node-b", 0, false);

        // then the deadline fires in the second one and the saga compensates
        await().atMost(Duration.ofSeconds(60)).until(() -> world.sagas(SagaState.COMPENSATED) == 1);
        SagaStatus status = second.orchestrator().status("order-1").orElseThrow();
        assertThat(status.history()).extracting(SagaTransition::event).contains("timed-out");
        assertThat(first.orchestrator().metrics().timeouts()).isZero();
        assertThat(second.orchestrator().metrics().timeouts()).isEqualTo(1);
        assertThat(world.effects("o-1", "released")).isEqualTo(1);
        assertThat(world.effects("o-1", "cancelled")).isEqualTo(1);
        System.out.println("[saga timeout across restart] timeoutsBefore=" + first.orchestrator().metrics().timeouts()
                + " timeoutsAfter=" + second.orchestrator().metrics().timeouts() + " state=" + status.state());
    }

    private long finished() throws Exception {
        return world.sagas(SagaState.COMPLETED) + world.sagas(SagaState.COMPENSATED) + world.sagas(SagaState.FAILED);
    }
}
