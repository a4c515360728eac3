package dev.chassis.core.outbox;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * A stored outbox message that the relay stopped publishing because the bus refused it too often
 * (for example no queue is bound to its topic): it stays in the store, is no longer returned by
 * {@link OutboxStore#unsent(int)}, and waits for {@link OutboxStore#requeueParked()}. Immutable and
 * thread-safe.
 *
 * @param record the stored message
 * @param attempts how many publishes were refused, at least 1
 * @param lastError what the bus said the last time, e.g. {@code "... failed: UNROUTABLE"}
 * @param parkedAt when the message was parked, by the relay's clock
 */
public record ParkedMessage(OutboxRecord record, int attempts, String lastError, Instant parkedAt) {

    /** Checks the components. */
    public ParkedMessage {
        requireNonNull(record, "record");
        requireNonNull(lastError, "lastError");
        requireNonNull(parkedAt, "parkedAt");
        if (attempts <= 0) {
            throw new IllegalArgumentException("attempts must be positive, was " + attempts);
        }
    }
}
