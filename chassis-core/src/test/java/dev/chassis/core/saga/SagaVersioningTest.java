package dev.chassis.core.saga;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.chassis.core.saga.OrderSagaWorld.Order;
import org.junit.jupiter.api.Test;

class SagaVersioningTest {
    private final OrderSagaWorld world = new OrderSagaWorld();

    @Test
    void aSagaWhoseVersionIsNotRegisteredFailsLoudly() {
        // given a saga started on version 1, then an orchestrator that knows only version 2
        String sagaId = world.orchestrator("node-1").start(world.definition, new Order("o-1", 1, 100));
        SagaOrchestrator upgraded = SagaOrchestrator.builder(world.store).definition(world.definition(2))
                .clock(world.clock).build();

        // when
        upgraded.recover();

        // then
        SagaStatus status = upgraded.status(sagaId).orElseThrow();
        assertThat(status.state()).isEqualTo(SagaState.FAILED);
        assertThat(status.definitionVersion()).isEqualTo(1);
        assertThat(status.step()).isNull();
        assertThat(status.failure()).contains("definition 'order-saga' version 1 is not registered")
                .contains("registered versions: [2]");
        assertThat(world.orders.count("confirmed", "o-1")).isZero();
        assertThat(upgraded.metrics().failed()).isEqualTo(1);
    }

    @Test
    void bothVersionsRunSideBySideWhenBothAreRegistered() {
        // given
        SagaDefinition<Order> v2 = world.definition(2);
        SagaOrchestrator orchestrator = SagaOrchestrator.builder(world.store).definition(world.definition)
                .definition(v2).clock(world.clock).build();

        // when
        String old = orchestrator.start(world.definition, new Order("o-1", 1, 100));
        String current = orchestrator.start(v2, new Order("o-2", 1, 100));
        world.pump(orchestrator);

        // then
        assertThat(world.store.find(old).orElseThrow().definitionVersion()).isEqualTo(1);
        assertThat(world.store.find(current).orElseThrow().definitionVersion()).isEqualTo(2);
        assertThat(world.state(old)).isEqualTo(SagaState.COMPLETED);
        assertThat(world.state(current)).isEqualTo(SagaState.COMPLETED);
    }

    @Test
    void startingAnUnregisteredDefinitionOrRegisteringOneTwiceIsRefused() {
        // given
        SagaOrchestrator orchestrator = world.orchestrator("node-1");

        // when
        Throwable start = catchThrowable(() -> orchestrator.start(world.definition(3), new Order("o-1", 1, 1)));
        Throwable twice = catchThrowable(() -> SagaOrchestrator.builder(world.store)
                .definition(world.definition(1)).definition(world.definition(1)).build());

        // then
        assertThat(start).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("order-saga v3 is not registered");
        assertThat(twice).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("order-saga v1");
    }
}
