package dev.chassis.core.inbox;

import java.sql.Connection;
import java.time.Instant;

/**
 * One open transaction of an {@link InboxStore}, handed to {@link InboxWork}. Valid only during the
 * work's call; confined to the thread that runs the work.
 */
public interface InboxTransaction {
    /**
     * Records that a consumer received a message, unless already recorded.
     *
     * @param consumer the consumer's stable name, e.g. {@code "billing.invoice"}; not blank
     * @param messageId the message's id (the envelope id); not blank
     * @param receivedAt when it was received; purging compares against this
     * @return {@code true} if the pair is new and now recorded in this transaction, {@code false} if
     *     it was recorded before (the message was handled already)
     * @throws IllegalArgumentException if {@code consumer} or {@code messageId} is blank
     * @throws IllegalStateException if the transaction has ended
     * @throws dev.chassis.core.jdbc.DatabaseException if a database store failed transiently
     */
    boolean record(String consumer, String messageId, Instant receivedAt);

    /**
     * The database connection this transaction runs on, for the handler's own statements, so that
     * its effects commit or roll back together with the record.
     *
     * @return the connection, auto-commit off; do not commit, roll back or close it
     * @throws IllegalStateException if the store has no database (the in-memory store): its handlers
     *     keep their effects in memory
     */
    Connection connection();
}
