package dev.chassis.messaging.inbox;

import dev.chassis.core.bus.Delivery;
import dev.chassis.core.envelope.Envelope;
import java.sql.Connection;
import java.sql.SQLException;

/** The business effect of the tests: one row per handled message, written on the inbox's connection. */
final class Effects {
    private Effects() {
    }

    static void insert(Connection connection, String consumer, Delivery delivery) throws SQLException {
        try (var ps = connection.prepareStatement("insert into effects(message_id, consumer) values (?, ?)")) {
            ps.setString(1, delivery.envelope().id());
            ps.setString(2, consumer);
            ps.executeUpdate();
        }
    }

    static Envelope envelope(String id) {
        return Envelope.builder().id(id).type("order.placed").source("/order-service").data("text/plain", id.getBytes())
                .build();
    }

    static Delivery delivery(String id, int attempt) {
        return new Delivery(envelope(id), "order.placed", "billing.invoice", attempt, attempt > 1);
    }
}
