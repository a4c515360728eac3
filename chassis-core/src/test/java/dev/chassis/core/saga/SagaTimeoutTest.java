package dev.chassis.core.saga;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chassis.core.envelope.Envelope;
import dev.chassis.core.saga.OrderSagaWorld.Order;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SagaTimeoutTest {
    private final OrderSagaWorld world = new OrderSagaWorld();

    @Test
    void aStepWithoutReplyIsResentThenTimesOutAndIsItselfCompensated() {
        // given
        SagaOrchestrator orchestrator = world.orchestrator("node-1");
        world.inventoryAnswers = false;
        String sagaId = orchestrator.start(world.definition, new Order("o-1", 1, 100));
        Envelope firstReserve = world.outbox.peek().envelope();
        world.pump(orchestrator);

        // when
        for (int i = 0; i < 4; i++) {
            world.advance(orchestrator, Duration.ofSeconds(10));
        }

        // then
        SagaStatus status = orchestrator.status(sagaId).orElseThrow();
        assertThat(status.state()).isEqualTo(SagaState.COMPENSATED);
        assertThat(status.failure()).startsWith("step 'reserve-inventory' timed out");
        assertThat(status.history()).filteredOn(t -> t.event().equals("timed-out")).hasSize(4);
        assertThat(world.inventory.deliveries.get(sagaId + ":reserve-inventory:action")).hasValue(4);
        assertThat(world.inventory.count("reserved", "o-1")).isEqualTo(1);
        assertThat(world.inventory.count("released", "o-1")).as("the timed-out step is compensated").isEqualTo(1);
        assertThat(world.orders.count("cancelled", "o-1")).isEqualTo(1);
        assertThat(orchestrator.metrics().timeouts()).isEqualTo(4);
        assertThat(orchestrator.metrics().retries()).isEqualTo(3);

        // and the late reply is ignored
        Envelope late = SagaEnvelopes.replyTo(firstReserve).source("/inventory").type("inventory.reserved").build();
        assertThat(orchestrator.onReply(late)).isEqualTo(SagaReplyOutcome.IGNORED);
        assertThat(orchestrator.status(sagaId).orElseThrow().revision()).isEqualTo(status.revision());
    }

    @Test
    void deadlinesFireAfterARestartAndTheLateReplyIsIgnored() throws Exception {
        // given a saga waiting for inventory, and its orchestrator gone
        SagaOrchestrator first = world.orchestrator("node-1");
        world.inventoryAnswers = false;
        String sagaId = first.start(world.definition, new Order("o-1", 1, 100));
        Optional<Envelope> lostReply = Optional.of(world.outbox.peek().envelope())
                .map(c -> SagaEnvelopes.replyTo(c).source("/inventory").type("inventory.reserved")
                        .data(java.util.Map.of("reservationId", "r-o-1")).build());
        world.pump(first);
        first.stop();

        // when a new orchestrator starts on the same store much later
        world.clock.advance(Duration.ofMinutes(5));
        SagaOrchestrator second = world.orchestrator("node-2");
        int recovered = second.recover();
        world.pump(second);
        for (int i = 0; i < 4; i++) {
            world.advance(second, Duration.ofSeconds(10));
        }

        // then
        assertThat(recovered).isEqualTo(1);
        assertThat(world.state(sagaId)).isEqualTo(SagaState.COMPENSATED);
        assertThat(world.inventory.count("released", "o-1")).isEqualTo(1);
        assertThat(second.onReply(lostReply.orElseThrow())).isEqualTo(SagaReplyOutcome.IGNORED);
        assertThat(second.metrics().repliesIgnored()).isEqualTo(1);
        assertThat(world.state(sagaId)).isEqualTo(SagaState.COMPENSATED);
    }

    @Test
    void aSagaThatCannotBeDrivenDoesNotHoldUpTheOthersDue() {
        // given two sagas waiting for a reply, one whose command can no longer be made
        java.util.concurrent.atomic.AtomicBoolean broken = new java.util.concurrent.atomic.AtomicBoolean();
        SagaDefinition<Order> definition = SagaDefinition.builder("fragile-saga", Order.class)
                .step("reserve-inventory", step -> step
                        .action(SagaAction.command(order -> {
                            if (broken.get() && order.orderId().equals("poison")) {
                                throw new IllegalStateException("cannot make the command");
                            }
                            return SagaCommand.of("inventory", "inventory.reserve", order);
                        }))
                        .timeout(Duration.ofSeconds(10)))
                .build();
        SagaOrchestrator orchestrator = SagaOrchestrator.builder(world.store).definition(definition)
                .clock(world.clock).build();
        String poison = orchestrator.start(definition, "a-poison", new Order("poison", 1, 100));
        String healthy = orchestrator.start(definition, "b-healthy", new Order("o-1", 1, 100));
        broken.set(true);

        // when
        world.clock.advance(Duration.ofSeconds(10));
        int driven = orchestrator.runDue();

        // then
        assertThat(driven).isEqualTo(1);
        assertThat(world.store.find(healthy).orElseThrow().attempt()).isEqualTo(2);
        assertThat(world.store.find(poison).orElseThrow().attempt()).isEqualTo(1);
        assertThat(world.store.due(world.clock.instant(), 10)).extracting(SagaInstance::id).containsExactly(poison);
    }
}
