package dev.chassis.examples.order;

import static java.util.Objects.requireNonNull;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * An order as the order service keeps it.
 *
 * @param id the order's id
 * @param customerId who ordered
 * @param shippingAddress where it goes
 * @param lines what was ordered
 * @param total the sum of the lines
 * @param status where it stands
 * @param paymentId the payment, once confirmed
 * @param shipmentId the shipment, once confirmed
 * @param createdAt when it was placed
 * @param updatedAt when its status last changed
 */
public record Order(String id, String customerId, String shippingAddress, List<OrderLine> lines, BigDecimal total,
        OrderStatus status, @Nullable String paymentId, @Nullable String shipmentId, Instant createdAt,
        Instant updatedAt) {
    /** Checks the required fields and copies the lines. */
    public Order {
        requireNonNull(id, "id");
        requireNonNull(customerId, "customerId");
        requireNonNull(shippingAddress, "shippingAddress");
        requireNonNull(total, "total");
        requireNonNull(status, "status");
        requireNonNull(createdAt, "createdAt");
        requireNonNull(updatedAt, "updatedAt");
        lines = List.copyOf(lines);
    }
}
