package dev.chassis.examples.order;

import static java.util.Objects.requireNonNull;

import java.math.BigDecimal;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The data of one order saga, saved as JSON with every transition: the order and what the
 * participants answered so far.
 *
 * @param orderId the order
 * @param customerId who ordered
 * @param shippingAddress where it goes
 * @param lines what was ordered
 * @param total the sum of the lines
 * @param reservationId the inventory's reservation, once made
 * @param paymentId the payment, once charged
 * @param shipmentId the shipment, once scheduled
 */
public record OrderSagaData(String orderId, String customerId, String shippingAddress, List<OrderLine> lines,
        BigDecimal total, @Nullable String reservationId, @Nullable String paymentId, @Nullable String shipmentId) {
    /** Checks the required fields and copies the lines. */
    public OrderSagaData {
        requireNonNull(orderId, "orderId");
        requireNonNull(customerId, "customerId");
        requireNonNull(shippingAddress, "shippingAddress");
        requireNonNull(total, "total");
        lines = List.copyOf(lines);
    }

    /**
     * The data of a new order.
     *
     * @param orderId the order's id
     * @param order the validated request
     * @return the data, with nothing answered yet
     * @throws IllegalStateException if the request is not valid
     */
    public static OrderSagaData of(String orderId, PlaceOrder order) {
        List<OrderLine> lines = order.orderLines();
        return new OrderSagaData(orderId, String.valueOf(order.customerId()).strip(),
                String.valueOf(order.shippingAddress()).strip(), lines, order.total(), null, null, null);
    }

    OrderSagaData withReservation(String id) {
        return new OrderSagaData(orderId, customerId, shippingAddress, lines, total, id, paymentId, shipmentId);
    }

    OrderSagaData withPayment(String id) {
        return new OrderSagaData(orderId, customerId, shippingAddress, lines, total, reservationId, id, shipmentId);
    }

    OrderSagaData withShipment(String id) {
        return new OrderSagaData(orderId, customerId, shippingAddress, lines, total, reservationId, paymentId, id);
    }
}
