package dev.chassis.examples.inventory;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What the inventory holds for one order.
 *
 * @param orderId the order
 * @param status reserved, rejected (with a reason) or released
 * @param lines the units reserved (empty when rejected, or when a release came before any reservation)
 * @param reason why the reservation was rejected; {@code null} otherwise
 */
public record Reservation(String orderId, Status status, List<StockLine> lines, @Nullable String reason) {
    /** Copies the lines. */
    public Reservation {
        requireNonNull(orderId, "orderId");
        requireNonNull(status, "status");
        lines = List.copyOf(lines);
    }

    /** The state of a reservation. */
    public enum Status {
        /** The units are held for the order. */
        RESERVED,
        /** Some SKU had too few units; nothing is held. */
        REJECTED,
        /** The units went back to stock (or nothing was held when the release came). */
        RELEASED
    }
}
