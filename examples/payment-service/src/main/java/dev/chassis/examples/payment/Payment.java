package dev.chassis.examples.payment;

import static java.util.Objects.requireNonNull;

import java.math.BigDecimal;
import org.jspecify.annotations.Nullable;

/**
 * The payment of one order.
 *
 * @param orderId the order
 * @param status charged, declined or refunded
 * @param paymentId the payment's id once charged; {@code null} if never charged
 * @param amount the amount charged or declined; {@code null} for a refund that came before any charge
 * @param reason why it was declined; {@code null} otherwise
 */
public record Payment(String orderId, Status status, @Nullable String paymentId, @Nullable BigDecimal amount,
        @Nullable String reason) {
    /** Checks the required fields. */
    public Payment {
        requireNonNull(orderId, "orderId");
        requireNonNull(status, "status");
    }

    /** The state of a payment. */
    public enum Status {
        /** The amount was charged. */
        CHARGED,
        /** The amount was above the limit; nothing was charged. */
        DECLINED,
        /** A charge was paid back (or nothing had been charged when the refund came). */
        REFUNDED
    }
}
