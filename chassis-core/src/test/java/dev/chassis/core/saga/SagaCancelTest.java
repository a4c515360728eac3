package dev.chassis.core.saga;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chassis.core.envelope.Envelope;
import dev.chassis.core.saga.OrderSagaWorld.Order;
import org.junit.jupiter.api.Test;

class SagaCancelTest {
    private final OrderSagaWorld world = new OrderSagaWorld();
    private final SagaOrchestrator orchestrator = world.orchestrator("node-1");

    @Test
    void cancellingCompensatesTheCompletedStepsAndTheCurrentOne() {
        // given a saga whose inventory reservation is in flight
        String sagaId = orchestrator.start(world.definition, new Order("o-1", 1, 100));
        SagaMessage reserve = world.outbox.poll();
        Envelope reserved = world.handle(reserve).orElseThrow();

        // when
        boolean cancelled = orchestrator.cancel(sagaId, "customer changed their mind");
        world.pump(orchestrator);
        SagaReplyOutcome late = orchestrator.onReply(reserved);

        // then
        SagaStatus status = orchestrator.status(sagaId).orElseThrow();
        assertThat(cancelled).isTrue();
        assertThat(status.state()).isEqualTo(SagaState.COMPENSATED);
        assertThat(status.failure()).isEqualTo("cancelled: customer changed their mind");
        assertThat(status.history()).extracting(SagaTransition::event).contains("cancelled");
        assertThat(world.inventory.count("reserved", "o-1")).isEqualTo(1);
        assertThat(world.inventory.count("released", "o-1")).isEqualTo(1);
        assertThat(world.orders.count("cancelled", "o-1")).isEqualTo(1);
        assertThat(late).isEqualTo(SagaReplyOutcome.IGNORED);
    }

    @Test
    void cancellingAFinishedOrUnknownSagaDoesNothing() {
        // given
        String sagaId = orchestrator.start(world.definition, new Order("o-1", 1, 100));
        world.pump(orchestrator);

        // when
        boolean finished = orchestrator.cancel(sagaId, "too late");
        boolean unknown = orchestrator.cancel("no-such-saga", "whatever");

        // then
        assertThat(finished).isFalse();
        assertThat(unknown).isFalse();
        assertThat(world.state(sagaId)).isEqualTo(SagaState.COMPLETED);
    }
}
