package dev.chassis.core.outbox;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * A committed, stored outbox message: its store-assigned id (increasing in write order, but not
 * necessarily in commit order), the message and when it was written. Immutable and thread-safe.
 *
 * @param id the store-assigned id, positive
 * @param message the message
 * @param createdAt when the message was written, by the writer's clock
 */
public record OutboxRecord(long id, OutboxMessage message, Instant createdAt) {

    /** Checks the components. */
    public OutboxRecord {
        requireNonNull(message, "message");
        requireNonNull(createdAt, "createdAt");
        if (id <= 0) {
            throw new IllegalArgumentException("id must be positive, was " + id);
        }
    }
}
