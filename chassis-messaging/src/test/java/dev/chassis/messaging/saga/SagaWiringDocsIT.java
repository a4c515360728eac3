package dev.chassis.messaging.saga;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.chassis.core.bus.RetryPolicy;
import dev.chassis.core.bus.Subscription;
import dev.chassis.core.inbox.InboxStore;
import dev.chassis.core.jdbc.TxRunner;
import dev.chassis.core.saga.JdbcSagaStore;
import dev.chassis.core.saga.SagaAction;
import dev.chassis.core.saga.SagaCommand;
import dev.chassis.core.saga.SagaDefinition;
import dev.chassis.core.saga.SagaEnvelopes;
import dev.chassis.core.saga.SagaOrchestrator;
import dev.chassis.core.saga.SagaState;
import dev.chassis.messaging.RabbitEventBus;
import dev.chassis.messaging.inbox.JdbcInboxStore;
import dev.chassis.messaging.saga.OrderSagaRabbitWorld.Order;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Runs the wiring sample of docs/sagas.md ("On RabbitMQ and PostgreSQL", "Wiring"). */
class SagaWiringDocsIT {
    /** The reply data of the inventory. */
    record Reservation(String id) {
    }

    /** The inventory's business table. */
    final class Stock {
        void reserve(Connection tx, Order order) throws Exception {
            try (PreparedStatement ps = tx.prepareStatement("INSERT INTO " + world.schema
                    + ".effects(consumer, saga_key, order_id, what) VALUES ('inventory', '-', ?, 'reserved')")) {
                ps.setString(1, order.orderId());
                ps.executeUpdate();
            }
        }
    }

    private final OrderSagaRabbitWorld world;
    private SagaOrchestrator started;

    SagaWiringDocsIT() throws Exception {
        world = new OrderSagaRabbitWorld();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (started != null) {
            started.stop();
        }
        world.close();
    }

    @Test
    void theWiringSampleRunsASagaOverRabbitMqAndPostgreSql() throws Exception {
        // given the set-up of the section before the sample
        DataSource dataSource = world.pool("docs", world.schema);
        JdbcSagaStore store = world.store(dataSource);
        RabbitEventBus rabbit = world.bus("docs");
        world.relay(rabbit);
        Stock stock = new Stock();
        SagaDefinition<Order> orderSaga = SagaDefinition.builder("order-saga", Order.class)
                .step("reserve-inventory", step -> step
                        .action(SagaAction.command(
                                order -> SagaCommand.of("inventory.reserve", "inventory.reserve", order),
                                (order, reply) -> order.withReservation(reply.dataAs(Reservation.class).id()))))
                .build();
        Order order = new Order("o-42", 1_500);

        // when (the sample)
        SagaOrchestrator orchestrator = SagaOrchestrator.builder(store)
                .definition(orderSaga)
                .source("/order-service")
                .build();
        SagaMessaging.subscribeReplies(rabbit, orchestrator, "order-service.saga-replies", "order-saga.reply");
        orchestrator.start();
        String sagaId = orchestrator.start(orderSaga, "order-" + order.orderId(), order);

        InboxStore inboxStore = JdbcInboxStore.of(TxRunner.of(dataSource));
        rabbit.subscribe(Subscription.builder("inventory.saga-commands")
                .topic("inventory.*")
                .handler(SagaMessaging.participant(inboxStore, "inventory.saga-commands", rabbit, "order-saga.reply",
                        (command, tx, firstTime) -> {
                            Order reserved = command.dataAs(Order.class);
                            if (firstTime) {
                                stock.reserve(tx.connection(), reserved);
                            }
                            return SagaEnvelopes.replyTo(command)
                                    .source("/inventory")
                                    .type("inventory.reserved")
                                    .data(new Reservation("r-" + reserved.orderId()))
                                    .build();
                        }))
                .build());

        // then
        started = orchestrator;
        world.registerQueue("order-service.saga-replies", SagaMessaging.REPLY_RETRY);
        world.registerQueue("inventory.saga-commands", RetryPolicy.ofDefaults());
        await().atMost(Duration.ofSeconds(30))
                .until(() -> orchestrator.status(sagaId).orElseThrow().state() == SagaState.COMPLETED);
        assertThat(orchestrator.status(sagaId).orElseThrow().data()).contains("\"reservationId\": \"r-o-42\"");
        assertThat(world.effects("o-42", "reserved")).isEqualTo(1);
        assertThat(orchestrator.metrics().repliesApplied()).isEqualTo(1);
    }
}
