package dev.chassis.core.saga;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chassis.core.envelope.Envelope;
import dev.chassis.core.saga.OrderSagaWorld.Order;
import java.util.List;
import org.junit.jupiter.api.Test;

class OrderSagaTest {
    private final OrderSagaWorld world = new OrderSagaWorld();
    private final SagaOrchestrator orchestrator = world.orchestrator("node-1");

    @Test
    void completesWhenEveryParticipantSucceeds() {
        // given
        Order order = new Order("o-1", 2, 4000);

        // when
        String sagaId = orchestrator.start(world.definition, order);
        world.pump(orchestrator);

        // then
        SagaStatus status = orchestrator.status(sagaId).orElseThrow();
        assertThat(status.state()).isEqualTo(SagaState.COMPLETED);
        assertThat(status.step()).isEqualTo("schedule-shipping");
        assertThat(world.store.find(sagaId).orElseThrow().data()).contains("\"reservationId\":\"r-o-1\"")
                .contains("\"paymentId\":\"p-o-1\"");
        assertThat(world.inventory.count("reserved", "o-1")).isEqualTo(1);
        assertThat(world.payments.count("charged", "o-1")).isEqualTo(1);
        assertThat(world.orders.count("confirmed", "o-1")).isEqualTo(1);
        assertThat(world.shipping.count("scheduled", "o-1")).isEqualTo(1);
        assertThat(world.inventory.count("released", "o-1")).isZero();
        assertThat(status.history()).extracting(SagaTransition::event).containsExactly(
                "started", "step-started", "step-succeeded", "step-started", "step-succeeded", "step-started",
                "step-succeeded", "step-started", "step-succeeded", "step-started", "step-succeeded", "completed");
        assertThat(orchestrator.metrics().completed()).isEqualTo(1);
        assertThat(orchestrator.metrics().repliesApplied()).isEqualTo(2);
    }

    @Test
    void commandsCarryTheCorrelationExtensionsAndAnIdempotencyKey() {
        // given
        String sagaId = orchestrator.start(world.definition, "saga-1", new Order("o-1", 1, 100));

        // when
        SagaMessage message = world.outbox.peek();

        // then
        assertThat(message).isNotNull();
        Envelope command = message.envelope();
        assertThat(message.topic()).isEqualTo("inventory");
        assertThat(message.key()).isEqualTo(sagaId);
        assertThat(command.type()).isEqualTo("inventory.reserve");
        assertThat(command.id()).isEqualTo("saga-1:reserve-inventory:action:1");
        assertThat(command.extensions()).containsEntry(SagaEnvelopes.SAGA_ID, "saga-1")
                .containsEntry(SagaEnvelopes.SAGA_STEP, "reserve-inventory")
                .containsEntry(SagaEnvelopes.SAGA_PHASE, "action")
                .containsEntry(SagaEnvelopes.SAGA_KEY, "saga-1:reserve-inventory:action")
                .containsEntry(SagaEnvelopes.SAGA_ATTEMPT, 1);
        assertThat(command.correlationId()).contains("saga-1");
        Envelope reply = SagaEnvelopes.replyTo(command).source("/inventory").type("inventory.reserved").build();
        assertThat(reply.causationId()).contains(command.id());
        assertThat(reply.extensions()).containsEntry(SagaEnvelopes.SAGA_KEY, "saga-1:reserve-inventory:action");
    }

    @Test
    void compensatesWhenThePaymentIsDeclined() {
        // given
        world.declinePayments = true;

        // when
        String sagaId = orchestrator.start(world.definition, new Order("o-2", 1, 999_999));
        List<Envelope> replies = world.pump(orchestrator);

        // then
        SagaStatus status = orchestrator.status(sagaId).orElseThrow();
        assertThat(status.state()).isEqualTo(SagaState.COMPENSATED);
        assertThat(status.failure()).isEqualTo("step 'process-payment' failed: reply payment.declined: card declined");
        assertThat(replies).extracting(Envelope::type)
                .containsExactly("inventory.reserved", "payment.declined", "inventory.released");
        assertThat(world.inventory.count("reserved", "o-2")).isEqualTo(1);
        assertThat(world.inventory.count("released", "o-2")).isEqualTo(1);
        assertThat(world.orders.count("cancelled", "o-2")).isEqualTo(1);
        assertThat(world.orders.count("confirmed", "o-2")).isZero();
        assertThat(world.payments.count("charged", "o-2")).isZero();
        assertThat(status.history()).extracting(t -> t.event() + " " + t.step()).containsSubsequence(
                "step-failed process-payment", "compensation-started reserve-inventory",
                "step-compensated reserve-inventory", "compensation-started register-order",
                "step-compensated register-order", "compensated null");
        assertThat(orchestrator.metrics().compensated()).isEqualTo(1);
    }
}
