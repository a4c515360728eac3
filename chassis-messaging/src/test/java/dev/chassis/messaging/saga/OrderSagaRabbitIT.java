package dev.chassis.messaging.saga;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.chassis.core.saga.JdbcSagaStore;
import dev.chassis.core.saga.SagaDefinition;
import dev.chassis.core.saga.SagaOrchestrator;
import dev.chassis.core.saga.SagaState;
import dev.chassis.core.saga.SagaStatus;
import dev.chassis.core.saga.SagaTransition;
import dev.chassis.messaging.RabbitEventBus;
import dev.chassis.messaging.outbox.OutboxRelay;
import dev.chassis.messaging.saga.OrderSagaRabbitWorld.Order;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The seed's order saga end to end on RabbitMQ and PostgreSQL: a {@link JdbcSagaStore} writing its
 * commands through the outbox, a relay publishing them on RabbitMQ, participants acting once per
 * idempotency key through a PostgreSQL inbox and replying on the bus.
 */
class OrderSagaRabbitIT {
    private OrderSagaRabbitWorld world;
    private SagaOrchestrator orchestrator;
    private OutboxRelay relay;

    @BeforeEach
    void setUp() throws Exception {
        world = new OrderSagaRabbitWorld();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (orchestrator != null) {
            orchestrator.stop();
        }
        world.close();
    }

    private SagaDefinition<Order> run(Duration timeout, int attempts) {
        SagaDefinition<Order> definition = OrderSagaRabbitWorld.definition(timeout, attempts);
        RabbitEventBus bus = world.bus("app");
        orchestrator = world.orchestrator(world.store(world.pool("orchestrator")), definition, "node-1");
        world.closeLater(world.subscribeReplies(bus, orchestrator));
        world.startParticipants(bus);
        relay = world.relay(bus);
        orchestrator.start();
        return definition;
    }

    @Test
    void fiftySagasComplete() throws Exception {
        // given
        SagaDefinition<Order> definition = run(Duration.ofSeconds(20), 3);
        int sagas = 50;

        // when
        for (int i = 0; i < sagas; i++) {
            orchestrator.start(definition, "order-" + i, new Order("o-" + i, 1_000 + i));
        }

        // then
        await().atMost(Duration.ofSeconds(90)).until(() -> world.sagas(SagaState.COMPLETED) == sagas);
        for (int i = 0; i < sagas; i++) {
            String order = "o-" + i;
            assertThat(world.effects(order, "reserved")).as(order).isEqualTo(1);
            assertThat(world.effects(order, "charged")).as(order).isEqualTo(1);
            assertThat(world.effects(order, "confirmed")).as(order).isEqualTo(1);
            assertThat(world.effects(order, "scheduled")).as(order).isEqualTo(1);
        }
        SagaStatus one = orchestrator.status("order-7").orElseThrow();
        assertThat(one.data()).contains("\"reservationId\": \"r-o-7\"").contains("\"paymentId\": \"p-o-7\"");
        assertThat(world.totalEffects()).isEqualTo(4L * sagas);
        assertThat(world.duplicateEffects()).isZero();
        assertThat(relay.backlog()).isZero();
        System.out.println("[order saga rabbit] sagas=" + sagas + " completed=" + world.sagas(SagaState.COMPLETED)
                + " effects=" + world.totalEffects() + " duplicateEffects=" + world.duplicateEffects()
                + " repliesApplied=" + orchestrator.metrics().repliesApplied());
    }

    @Test
    void declinedPaymentsReleaseTheInventoryAndCancelTheOrder() throws Exception {
        // given
        SagaDefinition<Order> definition = run(Duration.ofSeconds(20), 3);
        int sagas = 10;

        // when
        for (int i = 0; i < sagas; i++) {
            orchestrator.start(definition, "order-" + i, new Order("o-" + i, OrderSagaRabbitWorld.CARD_LIMIT + 1 + i));
        }

        // then
        await().atMost(Duration.ofSeconds(90)).until(() -> world.sagas(SagaState.COMPENSATED) == sagas);
        for (int i = 0; i < sagas; i++) {
            String order = "o-" + i;
            assertThat(world.effects(order, "reserved")).as(order).isEqualTo(1);
            assertThat(world.effects(order, "released")).as(order).isEqualTo(1);
            assertThat(world.effects(order, "cancelled")).as(order).isEqualTo(1);
            assertThat(world.effects(order, "charged")).as(order).isZero();
            assertThat(world.effects(order, "confirmed")).as(order).isZero();
        }
        SagaStatus one = orchestrator.status("order-3").orElseThrow();
        assertThat(one.failure()).isEqualTo("step 'process-payment' failed: reply payment.declined: card declined");
        assertThat(world.duplicateEffects()).isZero();
        assertThat(orchestrator.metrics().compensated()).isEqualTo(sagas);
    }

    @Test
    void aParticipantThatNeverRepliesTimesOutAndTheSagaCompensates() throws Exception {
        // given an inventory that reserves but never answers, and a 1 second timeout with 2 attempts
        SagaDefinition<Order> definition = run(Duration.ofSeconds(1), 2);
        world.silentInventory.add("o-silent");

        // when
        String sagaId = orchestrator.start(definition, "order-silent", new Order("o-silent", 500));

        // then the reservation is resent once, times out, and is compensated with the order
        await().atMost(Duration.ofSeconds(60)).until(() -> world.sagas(SagaState.COMPENSATED) == 1);
        SagaStatus status = orchestrator.status(sagaId).orElseThrow();
        assertThat(status.history()).extracting(SagaTransition::event)
                .containsSubsequence("timed-out", "step-started", "timed-out", "compensation-started",
                        "step-compensated", "compensation-started", "step-compensated", "compensated");
        assertThat(world.effects("o-silent", "reserved")).isEqualTo(1);
        assertThat(world.effects("o-silent", "released")).isEqualTo(1);
        assertThat(world.effects("o-silent", "cancelled")).isEqualTo(1);
        assertThat(world.effects("o-silent", "charged")).isZero();
        assertThat(orchestrator.metrics().timeouts()).isEqualTo(2);
    }
}
