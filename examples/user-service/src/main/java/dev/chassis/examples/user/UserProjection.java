package dev.chassis.examples.user;

import dev.chassis.core.eventsourcing.EventTypes;
import dev.chassis.core.eventsourcing.RecordedEvent;
import dev.chassis.core.eventsourcing.projection.Projection;
import dev.chassis.core.eventsourcing.projection.ProjectionTransaction;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.sql.Timestamp;

/**
 * Keeps the {@code users} read table from the {@code user.created} events; its checkpoint commits with
 * the rows. Re-applying an event changes nothing. Thread-safe.
 */
final class UserProjection implements Projection {
    private final UserTables tables;
    private final EventTypes types;

    UserProjection(UserTables tables, EventTypes types) {
        this.tables = tables;
        this.types = types;
    }

    @Override
    public String name() {
        return "users";
    }

    @Override
    public boolean handles(String eventType) {
        return eventType.equals(UserCreated.TYPE);
    }

    @Override
    public void apply(ProjectionTransaction tx, RecordedEvent event) throws Exception {
        UserCreated created = (UserCreated) types.decode(event);
        try (PreparedStatement insert = tx.connection().prepareStatement("INSERT INTO " + tables.users()
                + " (id, name, email, registered_at) VALUES (?, ?, ?, ?) ON CONFLICT (id) DO NOTHING")) {
            insert.setString(1, created.userId());
            insert.setString(2, created.name());
            insert.setString(3, created.email());
            insert.setTimestamp(4, Timestamp.from(created.registeredAt()));
            insert.executeUpdate();
        }
    }

    @Override
    public void reset(ProjectionTransaction tx) throws Exception {
        try (Statement delete = tx.connection().createStatement()) {
            delete.execute("DELETE FROM " + tables.users());
        }
    }
}
