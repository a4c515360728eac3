package dev.chassis.core.eventsourcing.projection;

import java.sql.Connection;

/**
 * One open transaction of a {@link CheckpointStore}, handed to {@link Projection#apply},
 * {@link Projection#reset}, {@link CheckpointWork} and {@link ResetWork}. Valid only during the
 * call; confined to the thread that runs it.
 */
public interface ProjectionTransaction {
    /**
     * The database connection the checkpoint is written on, for the read model's own statements, so
     * that they commit or roll back together with the checkpoint.
     *
     * @return the connection, auto-commit off; do not commit, roll back or close it
     * @throws IllegalStateException if the store has no database (the in-memory store), or the
     *     transaction has ended
     */
    Connection connection();
}
