package dev.chassis.core.bus;

import static java.util.Objects.requireNonNull;

import dev.chassis.core.envelope.Envelope;
import java.time.Instant;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A message in a subscription's dead-letter queue, with why it got there. Immutable.
 *
 * @param messageId the envelope id, or the broker message id of an undecodable message
 * @param queue the subscription's queue it was dead-lettered from
 * @param topic the topic it was published to, or empty if unknown
 * @param envelope the decoded envelope; {@code null} when the message could not be decoded
 * @param body the raw message body as received
 * @param contentType the message's content type, or empty if none
 * @param exceptionClass the class of the exception that dead-lettered it, e.g. {@code dev.chassis.core.NonRetryableException}
 * @param exceptionMessage the exception message (may be empty)
 * @param attempts deliveries made before it was dead-lettered
 * @param deadLetteredAt when it was dead-lettered
 */
public record DeadLetter(
        String messageId,
        String queue,
        String topic,
        @Nullable Envelope envelope,
        byte[] body,
        String contentType,
        String exceptionClass,
        String exceptionMessage,
        int attempts,
        Instant deadLetteredAt) {

    /** Checks and copies the components. */
    public DeadLetter {
        requireNonNull(messageId, "messageId");
        requireNonNull(queue, "queue");
        requireNonNull(topic, "topic");
        body = requireNonNull(body, "body").clone();
        requireNonNull(contentType, "contentType");
        requireNonNull(exceptionClass, "exceptionClass");
        requireNonNull(exceptionMessage, "exceptionMessage");
        requireNonNull(deadLetteredAt, "deadLetteredAt");
    }

    /** @return the decoded envelope, empty if the message could not be decoded */
    public Optional<Envelope> decoded() {
        return Optional.ofNullable(envelope);
    }

    /** @return a copy of the raw message body */
    @Override
    public byte[] body() {
        return body.clone();
    }
}
