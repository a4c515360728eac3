package dev.chassis.core.saga;

import static java.util.Objects.requireNonNull;

import dev.chassis.core.envelope.Envelope;

/**
 * A message a saga sends (a command to a participant), written by the {@link SagaStore} in the same
 * transaction as the saga's new state, so a saga never sends a command it has not recorded and never
 * records a command it did not send. Immutable.
 *
 * @param topic the topic to publish to
 * @param key the ordering key (the saga id), so a saga's messages keep their order
 * @param envelope the message
 */
public record SagaMessage(String topic, String key, Envelope envelope) {
    /** Checks the components. */
    public SagaMessage {
        requireNonNull(topic, "topic");
        requireNonNull(key, "key");
        requireNonNull(envelope, "envelope");
    }
}
