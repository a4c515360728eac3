package dev.chassis.examples.shipping;

import static java.util.Objects.requireNonNull;

import java.time.LocalDate;
import org.jspecify.annotations.Nullable;

/**
 * The shipment of one order.
 *
 * @param orderId the order
 * @param status scheduled or cancelled
 * @param shipmentId the shipment's id; {@code null} for a cancellation that came before any scheduling
 * @param address where it goes; {@code null} likewise
 * @param shipsOn the day it leaves the warehouse; {@code null} likewise
 */
public record Shipment(String orderId, Status status, @Nullable String shipmentId, @Nullable String address,
        @Nullable LocalDate shipsOn) {
    /** Checks the required fields. */
    public Shipment {
        requireNonNull(orderId, "orderId");
        requireNonNull(status, "status");
    }

    /** The state of a shipment. */
    public enum Status {
        /** It will leave the warehouse on {@code shipsOn}. */
        SCHEDULED,
        /** It will not be sent. */
        CANCELLED
    }
}
