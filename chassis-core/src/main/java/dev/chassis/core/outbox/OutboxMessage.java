package dev.chassis.core.outbox;

import static java.util.Objects.requireNonNull;

import dev.chassis.core.envelope.Envelope;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A message to be written to an outbox: the topic to publish to, an optional ordering key and the
 * envelope. Messages with the same ordering key are published in the order they were written;
 * messages without a key carry no ordering promise. Immutable and thread-safe.
 *
 * <pre>{@code
 * OutboxMessage m = OutboxMessage.of("order.placed", "order-42", envelope);
 * }</pre>
 *
 * @param topic the topic to publish to, non-blank
 * @param orderingKey the ordering key (e.g. an aggregate id), or {@code null} for none
 * @param envelope the envelope
 */
public record OutboxMessage(String topic, @Nullable String orderingKey, Envelope envelope) {

    /** Checks the components. */
    public OutboxMessage {
        requireNonNull(topic, "topic");
        requireNonNull(envelope, "envelope");
        if (topic.isBlank()) {
            throw new IllegalArgumentException("topic must not be blank");
        }
        if (orderingKey != null && orderingKey.isEmpty()) {
            throw new IllegalArgumentException("orderingKey must be null or non-empty");
        }
    }

    /**
     * A message without an ordering key.
     *
     * @param topic the topic
     * @param envelope the envelope
     * @return the message
     */
    public static OutboxMessage of(String topic, Envelope envelope) {
        return new OutboxMessage(topic, null, envelope);
    }

    /**
     * A message with an ordering key.
     *
     * @param topic the topic
     * @param orderingKey the ordering key, e.g. an aggregate id
     * @param envelope the envelope
     * @return the message
     */
    public static OutboxMessage of(String topic, String orderingKey, Envelope envelope) {
        return new OutboxMessage(topic, requireNonNull(orderingKey, "orderingKey"), envelope);
    }

    /**
     * The ordering key.
     *
     * @return the key, empty when the message has none
     */
    public Optional<String> key() {
        return Optional.ofNullable(orderingKey);
    }
}
