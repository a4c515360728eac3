package dev.chassis.core.saga;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * Writes the messages of a saga transition on the connection of {@link JdbcSagaStore}'s insert or
 * update, after the saga's row was written and before the commit: the messages commit or roll back
 * with the state that sent them. The transactional outbox provides one ({@code SagaOutbox} in
 * chassis-messaging). Not called when a transition sends nothing, nor when an update lost the
 * revision check (nothing is stored then). Called on the saving thread; implementations must be
 * thread-safe.
 *
 * <pre>{@code
 * SagaMessageHook commands = (tx, messages) -> {
 *     try (var insert = tx.prepareStatement("insert into commands(topic, saga_id, message_id) values (?, ?, ?)")) {
 *         for (SagaMessage m : messages) {
 *             insert.setString(1, m.topic());
 *             insert.setString(2, m.key());
 *             insert.setString(3, m.envelope().id());
 *             insert.addBatch();
 *         }
 *         insert.executeBatch();
 *     }
 * };
 * }</pre>
 */
@FunctionalInterface
public interface SagaMessageHook {
    /**
     * Writes the messages.
     *
     * @param tx the save's connection, in its transaction; do not commit, roll back or keep it
     * @param messages the transition's messages in the order given to the store; at least one
     * @throws SQLException to fail the save (its transaction rolls back, nothing is stored)
     */
    void write(Connection tx, List<SagaMessage> messages) throws SQLException;
}
