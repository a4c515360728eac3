package dev.chassis.core.saga;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.chassis.core.envelope.Envelope;
import dev.chassis.core.saga.OrderSagaWorld.Order;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

class SagaConcurrencyTest {
    @Test
    void twoOrchestratorsOnOneStoreDriveEachSagaOnce() throws Exception {
        // given two orchestrators sharing a store, workers delivering replies to either, and both recovering all the time
        OrderSagaWorld world = new OrderSagaWorld();
        List<SagaOrchestrator> nodes = List.of(world.orchestrator("node-a"), world.orchestrator("node-b"));
        int sagas = 200;
        Queue<Envelope> replies = new ConcurrentLinkedQueue<>();
        AtomicInteger redelivered = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<?>> workers = new ArrayList<>();
        for (int w = 0; w < 3; w++) {
            int worker = w;
            workers.add(pool.submit(() -> {
                int n = worker;
                while (!stop.get()) {
                    SagaMessage command = world.outbox.poll();
                    if (command != null) {
                        world.handle(command).ifPresent(replies::add);
                    }
                    Envelope reply = replies.poll();
                    if (reply != null) {
                        try {
                            nodes.get(n++ % 2).onReply(reply);
                        } catch (SagaBusyException e) {
                            redelivered.incrementAndGet();
                            replies.add(reply);
                        }
                    }
                    if (command == null && reply == null) {
                        LockSupport.parkNanos(100_000);
                    }
                }
                return null;
            }));
        }
        workers.add(pool.submit(() -> {
            int n = 0;
            while (!stop.get()) {
                nodes.get(n++ % 2).recover();
                LockSupport.parkNanos(1_000_000);
            }
            return null;
        }));

        // when
        for (int i = 0; i < sagas; i++) {
            nodes.get(i % 2).start(world.definition, "saga-" + i, new Order("o-" + i, 1, 100));
        }
        await().atMost(Duration.ofSeconds(60))
                .until(() -> world.store.inState(SagaState.COMPLETED, "", sagas + 1).size() == sagas);
        stop.set(true);
        for (Future<?> f : workers) {
            f.get(10, TimeUnit.SECONDS);
        }
        pool.shutdown();

        // then
        long conflicts = nodes.get(0).metrics().conflicts() + nodes.get(1).metrics().conflicts();
        long applied = nodes.get(0).metrics().repliesApplied() + nodes.get(1).metrics().repliesApplied();
        int maxDeliveries = world.maxDeliveriesPerKey();
        int duplicateEffects = world.duplicateEffects();
        System.out.println("sagas=" + sagas + " orchestrators=2 completed=" + sagas + " repliesApplied=" + applied
                + " redelivered=" + redelivered + " conflicts=" + conflicts + " maxExecutionsPerStep=" + maxDeliveries
                + " duplicateEffects=" + duplicateEffects);
        assertThat(applied).isEqualTo(2L * sagas);
        assertThat(maxDeliveries).as("every step execution reached its participant once").isEqualTo(1);
        assertThat(duplicateEffects).isZero();
        assertThat(world.orders.orders("confirmed")).hasSize(sagas);
        assertThat(world.shipping.orders("scheduled")).hasSize(sagas);
        for (int i = 0; i < sagas; i++) {
            assertThat(world.store.find("saga-" + i).orElseThrow().history()).hasSize(12);
        }
    }

    @Test
    void anOrchestratorWhoseLeaseExpiredCannotSaveOverTheOneThatTookOver() throws Exception {
        // given a one-step saga whose call hangs on the first orchestrator
        OrderSagaWorld world = new OrderSagaWorld();
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch proceed = new CountDownLatch(1);
        AtomicInteger calls = new AtomicInteger();
        SagaDefinition<Order> slow = SagaDefinition.builder("slow-saga", Order.class)
                .step("charge", step -> step.action(SagaAction.call((order, key) -> {
                    if (calls.incrementAndGet() == 1) {
                        entered.countDown();
                        proceed.await();
                    }
                    world.payments.effect(key, order.orderId(), "charged");
                    return order;
                })))
                .build();
        SagaOrchestrator a = SagaOrchestrator.builder(world.store).definition(slow).clock(world.clock).owner("a").build();
        SagaOrchestrator b = SagaOrchestrator.builder(world.store).definition(slow).clock(world.clock).owner("b").build();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        Future<String> started = pool.submit(() -> a.start(slow, "saga-1", new Order("o-1", 1, 100)));
        assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();

        // when b finds the saga while a still holds its lease, then after the lease expired
        int whileLeased = b.recover();
        SagaState afterFirstTry = world.state("saga-1");
        world.clock.advance(Duration.ofSeconds(31));
        b.recover();
        proceed.countDown();
        started.get(10, TimeUnit.SECONDS);
        pool.shutdown();

        // then
        SagaInstance saga = world.store.find("saga-1").orElseThrow();
        System.out.println("calls=" + calls.get() + " conflictsA=" + a.metrics().conflicts() + " completedB="
                + b.metrics().completed() + " duplicateEffects=" + world.duplicateEffects());
        assertThat(whileLeased).isEqualTo(1);
        assertThat(afterFirstTry).isEqualTo(SagaState.RUNNING);
        assertThat(calls.get()).as("b ran the call again after a's lease expired").isEqualTo(2);
        assertThat(saga.state()).isEqualTo(SagaState.COMPLETED);
        assertThat(saga.history()).filteredOn(t -> t.event().equals("step-succeeded")).hasSize(1);
        assertThat(a.metrics().conflicts()).as("a's save was refused").isEqualTo(1);
        assertThat(b.metrics().completed()).isEqualTo(1);
        assertThat(world.payments.count("charged", "o-1")).isEqualTo(1);
    }

    @Test
    void aReplyForASagaLeasedByAnotherOrchestratorIsToBeRedelivered() {
        // given
        OrderSagaWorld world = new OrderSagaWorld();
        SagaOrchestrator a = world.orchestrator("node-a");
        SagaOrchestrator b = world.orchestrator("node-b");
        String sagaId = a.start(world.definition, new Order("o-1", 1, 100));
        Envelope reserved = world.handle(world.outbox.poll()).orElseThrow();
        world.store.lease(sagaId, "node-a", world.clock.instant().plusSeconds(30));

        // when
        Throwable busy = org.assertj.core.api.Assertions.catchThrowable(() -> b.onReply(reserved));
        world.store.release(sagaId, "node-a");
        SagaReplyOutcome redelivered = b.onReply(reserved);

        // then
        assertThat(busy).isInstanceOf(SagaBusyException.class).hasMessageContaining("redeliver");
        assertThat(((SagaBusyException) busy).sagaId()).isEqualTo(sagaId);
        assertThat(((SagaBusyException) busy).isRetryable()).isTrue();
        assertThat(redelivered).isEqualTo(SagaReplyOutcome.APPLIED);
    }
}
