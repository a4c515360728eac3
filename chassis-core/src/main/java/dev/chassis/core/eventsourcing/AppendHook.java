package dev.chassis.core.eventsourcing;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * Called by {@link JdbcEventStore} inside an append's transaction, after the events were stored and
 * before the commit: what it writes on the same connection commits or rolls back with the events.
 * The transactional outbox uses it to publish every appended event exactly when it is stored
 * ({@code EventStoreOutbox} in chassis-messaging). Not called for an idempotent retry, which stores
 * nothing. Called on the appending thread; implementations must be thread-safe.
 *
 * <pre>{@code
 * AppendHook audit = (tx, events) -> {
 *     try (var insert = tx.prepareStatement("insert into audit(event_id) values (?)")) {
 *         for (RecordedEvent e : events) {
 *             insert.setString(1, e.id());
 *             insert.addBatch();
 *         }
 *         insert.executeBatch();
 *     }
 * };
 * }</pre>
 */
@FunctionalInterface
public interface AppendHook {
    /**
     * Sees the events just stored.
     *
     * @param tx the append's connection, in its transaction; do not commit, roll back or keep it
     * @param events the stored events in version order, with their positions; at least one
     * @throws SQLException to fail the append (its transaction rolls back)
     */
    void appended(Connection tx, List<RecordedEvent> events) throws SQLException;

    /**
     * A hook that does nothing: the default.
     *
     * @return the no-op hook
     */
    static AppendHook noop() {
        return (tx, events) -> {
        };
    }
}
