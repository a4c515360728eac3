package dev.chassis.core.saga;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chassis.core.saga.OrderSagaWorld.Order;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class SagaCompensationTest {
    private final OrderSagaWorld world = new OrderSagaWorld();
    private final List<String> failedCompensations = new CopyOnWriteArrayList<>();
    private final List<String> failedSagas = new CopyOnWriteArrayList<>();
    private final SagaOrchestrator orchestrator = SagaOrchestrator.builder(world.store)
            .definition(world.definition)
            .clock(world.clock)
            .listener(new SagaListener() {
                @Override
                public void onCompensationFailed(SagaInstance instance, String step, String reason) {
                    failedCompensations.add(step + ": " + reason);
                }

                @Override
                public void onFailed(SagaInstance instance) {
                    failedSagas.add(instance.id());
                }
            })
            .build();

    private void runFor(Duration total) {
        for (long s = 0; s < total.toSeconds(); s++) {
            world.advance(orchestrator, Duration.ofSeconds(1));
        }
    }

    @Test
    void aCompensationThatFailsThreeTimesThenSucceedsEndsCompensated() {
        // given
        world.declinePayments = true;
        world.releaseFailures.set(3);

        // when
        String sagaId = orchestrator.start(world.definition, new Order("o-1", 1, 100));
        world.pump(orchestrator);
        SagaState whileRetrying = world.state(sagaId);
        runFor(Duration.ofSeconds(30));

        // then
        SagaStatus status = orchestrator.status(sagaId).orElseThrow();
        assertThat(whileRetrying).isEqualTo(SagaState.COMPENSATING);
        assertThat(status.state()).isEqualTo(SagaState.COMPENSATED);
        assertThat(status.history()).filteredOn(t -> t.event().equals("retry-scheduled"))
                .extracting(SagaTransition::step).containsExactly("reserve-inventory", "reserve-inventory", "reserve-inventory");
        assertThat(world.inventory.count("released", "o-1")).isEqualTo(1);
        assertThat(world.orders.count("cancelled", "o-1")).isEqualTo(1);
        assertThat(orchestrator.metrics().retries()).isEqualTo(3);
        assertThat(failedCompensations).isEmpty();
    }

    @Test
    void aFailingCallCompensationIsRetriedWithBackoff() {
        // given
        world.declinePayments = true;
        world.cancelFailures.set(3);

        // when
        String sagaId = orchestrator.start(world.definition, new Order("o-1", 1, 100));
        world.pump(orchestrator);
        List<SagaTransition> retries = orchestrator.status(sagaId).orElseThrow().history().stream()
                .filter(t -> t.event().equals("retry-scheduled")).toList();
        runFor(Duration.ofSeconds(10));

        // then
        assertThat(retries).hasSize(1);
        assertThat(world.state(sagaId)).isEqualTo(SagaState.COMPENSATED);
        assertThat(world.orders.count("cancelled", "o-1")).isEqualTo(1);
        assertThat(orchestrator.status(sagaId).orElseThrow().history())
                .filteredOn(t -> t.event().equals("retry-scheduled")).hasSize(3)
                .extracting(SagaTransition::detail).allMatch(d -> d.contains("order service unavailable"));
    }

    @Test
    void aCompensationThatAlwaysFailsEndsFailedAfterTheOthersRan() {
        // given
        world.declinePayments = true;
        world.releaseFailures.set(Integer.MAX_VALUE);

        // when
        String sagaId = orchestrator.start(world.definition, new Order("o-1", 1, 100));
        world.pump(orchestrator);
        runFor(Duration.ofSeconds(60));

        // then
        SagaStatus status = orchestrator.status(sagaId).orElseThrow();
        assertThat(status.state()).isEqualTo(SagaState.FAILED);
        assertThat(status.failure()).startsWith("compensation of [reserve-inventory] failed; the other compensations ran")
                .contains("card declined");
        assertThat(world.inventory.count("released", "o-1")).isZero();
        assertThat(world.orders.count("cancelled", "o-1")).as("the remaining compensation ran").isEqualTo(1);
        assertThat(failedCompensations).containsExactly(
                "reserve-inventory: reply inventory.release-failed: inventory database locked");
        assertThat(failedSagas).containsExactly(sagaId);
        assertThat(orchestrator.metrics().failed()).isEqualTo(1);
        assertThat(orchestrator.metrics().compensationFailures()).isEqualTo(1);
        assertThat(status.history()).filteredOn(t -> t.event().equals("compensation-started")
                && "reserve-inventory".equals(t.step())).hasSize(4);
    }
}
