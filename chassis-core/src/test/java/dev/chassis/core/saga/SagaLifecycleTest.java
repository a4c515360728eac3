package dev.chassis.core.saga;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.chassis.core.saga.OrderSagaWorld.Order;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SagaLifecycleTest {
    @Test
    void startRecoversAndItsSchedulerFiresDeadlinesUntilStopped() throws Exception {
        // given a saga left waiting by an orchestrator that is gone
        OrderSagaWorld world = new OrderSagaWorld();
        world.inventoryAnswers = false;
        String sagaId = world.orchestrator("node-1").start(world.definition, new Order("o-1", 1, 100));
        world.outbox.clear();
        SagaOrchestrator orchestrator = SagaOrchestrator.builder(world.store).definition(world.definition)
                .clock(world.clock).owner("node-2").name("orders").pollInterval(Duration.ofMillis(20)).build();

        // when
        orchestrator.start();
        world.clock.advance(Duration.ofSeconds(10));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> world.store.find(sagaId).orElseThrow().attempt() == 2);
        orchestrator.stop();
        world.clock.advance(Duration.ofSeconds(10));
        long revisionAfterStop = world.store.find(sagaId).orElseThrow().revision();
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
                .until(() -> world.store.find(sagaId).orElseThrow().revision() == revisionAfterStop);

        // then
        assertThat(orchestrator.name()).isEqualTo("orders");
        assertThat(world.outbox).extracting(m -> m.envelope().id())
                .containsExactly(sagaId + ":reserve-inventory:action:2");
        assertThat(orchestrator.metrics().timeouts()).isEqualTo(1);
        assertThat(world.store.due(world.clock.instant(), 10)).as("due, but nothing polls after stop").hasSize(1);
    }
}
