package dev.chassis.core.bus;

import static java.util.Objects.requireNonNull;

import dev.chassis.core.envelope.Envelope;

/**
 * One delivered message as a handler sees it. Immutable.
 *
 * @param envelope the decoded envelope
 * @param topic the topic it was published to
 * @param queue the subscription's queue it was delivered from
 * @param attempt 1 for the first delivery, 2 for the first retry, and so on; counted by the chassis
 *     in its own header, so it survives broker restarts and redeliveries
 * @param redelivered whether the broker marked it redelivered (an earlier delivery was not acknowledged,
 *     e.g. the consumer died): the handler may already have run for it
 */
public record Delivery(Envelope envelope, String topic, String queue, int attempt, boolean redelivered) {
    /** Checks the components. */
    public Delivery {
        requireNonNull(envelope, "envelope");
        requireNonNull(topic, "topic");
        requireNonNull(queue, "queue");
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt must be >= 1, was " + attempt);
        }
    }
}
