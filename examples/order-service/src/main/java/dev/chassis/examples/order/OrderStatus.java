package dev.chassis.examples.order;

/** Where an order stands. */
public enum OrderStatus {
    /** Placed; the saga is running. */
    PENDING,
    /** Inventory reserved, payment taken, shipment scheduled. */
    CONFIRMED,
    /** The saga failed and was compensated: nothing is reserved, charged or shipped. */
    CANCELLED
}
