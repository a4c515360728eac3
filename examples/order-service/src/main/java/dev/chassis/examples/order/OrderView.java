package dev.chassis.examples.order;

import static java.util.Objects.requireNonNull;

import dev.chassis.core.saga.SagaState;
import dev.chassis.core.saga.SagaStatus;
import dev.chassis.core.saga.SagaTransition;
import java.math.BigDecimal;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The answer of {@code GET /orders/{id}}: the order and its saga, with the saga's history.
 *
 * @param id the order's id
 * @param status where the order stands
 * @param customerId who ordered
 * @param shippingAddress where it goes
 * @param lines what was ordered
 * @param total the sum of the lines
 * @param paymentId the payment, once confirmed
 * @param shipmentId the shipment, once confirmed
 * @param saga the order saga, {@code null} only for orders whose saga was deleted
 */
public record OrderView(String id, OrderStatus status, String customerId, String shippingAddress, List<OrderLine> lines,
        BigDecimal total, @Nullable String paymentId, @Nullable String shipmentId, @Nullable Saga saga) {
    /** Checks the required fields and copies the lines. */
    public OrderView {
        requireNonNull(id, "id");
        requireNonNull(status, "status");
        lines = List.copyOf(lines);
    }

    /**
     * The saga part of the view.
     *
     * @param id the saga id
     * @param state its state
     * @param step the step it is at, or finished at
     * @param failure why it compensated, or {@code null}
     * @param history every step's outcome with its time, oldest first
     */
    public record Saga(String id, SagaState state, @Nullable String step, @Nullable String failure,
            List<SagaTransition> history) {
        /** Copies the history. */
        public Saga {
            history = List.copyOf(history);
        }

        static Saga of(SagaStatus status) {
            return new Saga(status.id(), status.state(), status.step(), status.failure(), status.history());
        }
    }

    static OrderView of(Order order, @Nullable SagaStatus saga) {
        return new OrderView(order.id(), order.status(), order.customerId(), order.shippingAddress(), order.lines(),
                order.total(), order.paymentId(), order.shipmentId(), saga == null ? null : Saga.of(saga));
    }

    /** An order whose saga has not written it yet (its first step is being retried). */
    static OrderView pending(OrderSagaData data, SagaStatus saga) {
        return new OrderView(data.orderId(), OrderStatus.PENDING, data.customerId(), data.shippingAddress(),
                data.lines(), data.total(), null, null, Saga.of(saga));
    }
}
