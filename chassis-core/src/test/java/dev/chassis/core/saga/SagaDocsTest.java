package dev.chassis.core.saga;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chassis.core.MutableClock;
import dev.chassis.core.admin.AdminRoute;
import dev.chassis.core.envelope.Envelope;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** Runs the samples of docs/sagas.md. */
class SagaDocsTest {
    record Order(String orderId, int quantity, long amountCents, @Nullable String reservationId) {
        Order withReservation(String id) {
            return new Order(orderId, quantity, amountCents, id);
        }
    }

    record Reservation(String id) {
    }

    /** A participant called directly: the order service. */
    static final class Orders {
        final List<String> effects = new ArrayList<>();
        private final Set<String> seen = new HashSet<>();

        Order hold(Order order, String key) {
            if (seen.add(key)) {
                effects.add("held " + order.orderId());
            }
            return order;
        }

        Order cancel(Order order, String key) {
            if (seen.add(key)) {
                effects.add("cancelled " + order.orderId());
            }
            return order;
        }

        Order confirm(Order order, String key) {
            if (seen.add(key)) {
                effects.add("confirmed " + order.orderId());
            }
            return order;
        }
    }

    private final Orders orders = new Orders();
    private final Clock clock = MutableClock.startingAt("2026-01-01T00:00:00Z");
    private final Queue<SagaMessage> outgoing = new ConcurrentLinkedQueue<>();
    private final Set<String> inbox = new HashSet<>();
    private final List<String> stock = new ArrayList<>();

    private SagaDefinition<Order> orderSaga() {
        SagaDefinition<Order> orderSaga = SagaDefinition.builder("order-saga", Order.class)
                .version(1)
                .step("hold-order", step -> step
                        .action(SagaAction.call((order, key) -> orders.hold(order, key)))
                        .compensation(SagaAction.call((order, key) -> orders.cancel(order, key))))
                .step("reserve-inventory", step -> step
                        .action(SagaAction.command(
                                order -> SagaCommand.of("inventory", "inventory.reserve", order),
                                (order, reply) -> order.withReservation(reply.dataAs(Reservation.class).id())))
                        .compensation(SagaAction.command(
                                order -> SagaCommand.of("inventory", "inventory.release", order)))
                        .timeout(Duration.ofSeconds(30))
                        .retry(SagaRetry.of(5, Duration.ofSeconds(1))))
                .step("process-payment", step -> step
                        .action(SagaAction.command(order -> SagaCommand.of("payments", "payment.process", order))))
                .step("confirm-order", step -> step
                        .action(SagaAction.call((order, key) -> orders.confirm(order, key))))
                .build();
        return orderSaga;
    }

    private Envelope reserve(Envelope command) {
        String key = SagaEnvelopes.idempotencyKey(command).orElseThrow();
        boolean firstTime = inbox.add(key); // in a real service: the inbox, in the transaction of the effect
        if (firstTime) {
            stock.add(command.dataAs(Order.class).orderId());
        }
        Envelope reply = SagaEnvelopes.replyTo(command)
                .source("/inventory")
                .type("inventory.reserved")
                .data(new Reservation("r-1"))
                .build();
        return reply;
    }

    private Envelope decline(Envelope command) {
        Envelope declined = SagaEnvelopes.failureReplyTo(command, "card declined")
                .source("/payments")
                .type("payment.declined")
                .build();
        return declined;
    }

    @Test
    void theOrderSagaOfTheDocsCompletes() {
        // given
        SagaDefinition<Order> orderSaga = orderSaga();
        Order order = new Order("42", 2, 4000, null);

        // when
        SagaStore store = InMemorySagaStore.create(clock, outgoing::add);
        SagaOrchestrator orchestrator = SagaOrchestrator.builder(store)
                .definition(orderSaga)
                .clock(clock)
                .source("/order-service")
                .build();
        String sagaId = orchestrator.start(orderSaga, "order-" + order.orderId(), order);
        Envelope reply = reserve(outgoing.remove().envelope());
        SagaReplyOutcome outcome = orchestrator.onReply(reply);
        orchestrator.onReply(SagaEnvelopes.replyTo(outgoing.remove().envelope()).source("/payments")
                .type("payment.processed").build());

        // then
        SagaStatus status = orchestrator.status(sagaId).orElseThrow();
        List<AdminRoute> routes = orchestrator.adminRoutes();
        assertThat(outcome).isEqualTo(SagaReplyOutcome.APPLIED);
        assertThat(status.state()).isEqualTo(SagaState.COMPLETED);
        assertThat(status.data()).contains("\"reservationId\":\"r-1\"");
        assertThat(orders.effects).containsExactly("held 42", "confirmed 42");
        assertThat(stock).containsExactly("42");
        assertThat(routes).extracting(AdminRoute::pathTemplate).containsExactly("/chassis/sagas", "/chassis/sagas/{id}");
    }

    @Test
    void theOrderSagaOfTheDocsCompensates() {
        // given
        SagaDefinition<Order> orderSaga = orderSaga();
        SagaOrchestrator orchestrator = SagaOrchestrator.builder(InMemorySagaStore.create(clock, outgoing::add))
                .definition(orderSaga).clock(clock).build();
        String sagaId = orchestrator.start(orderSaga, new Order("43", 1, 100, null));
        orchestrator.onReply(reserve(outgoing.remove().envelope()));

        // when
        orchestrator.onReply(decline(outgoing.remove().envelope()));
        Envelope release = outgoing.remove().envelope();
        orchestrator.onReply(SagaEnvelopes.replyTo(release).source("/inventory").type("inventory.released").build());

        // then
        assertThat(release.type()).isEqualTo("inventory.release");
        assertThat(orchestrator.status(sagaId).orElseThrow().state()).isEqualTo(SagaState.COMPENSATED);
        assertThat(orders.effects).containsExactly("held 43", "cancelled 43");
    }
}
