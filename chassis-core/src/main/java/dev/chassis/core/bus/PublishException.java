package dev.chassis.core.bus;

import dev.chassis.core.RetryableException;
import org.jspecify.annotations.Nullable;

/**
 * A publish that the broker did not confirm as routed. Retrying can help (a queue gets bound, the
 * broker comes back), so it is a {@link RetryableException}; {@link #reason()} says what happened.
 * Instances are immutable once thrown.
 */
public final class PublishException extends RetryableException {
    private static final long serialVersionUID = 1L;

    /** Why a publish failed. */
    public enum Reason {
        /** No queue is bound for the topic, so the broker returned the message. */
        UNROUTABLE,
        /** The broker refused the message (negative confirm). */
        NACKED,
        /** No confirm arrived within the publish timeout. */
        TIMED_OUT,
        /** The connection or channel closed before the confirm arrived. */
        CONNECTION_LOST,
        /** No connection to the broker: nothing was sent. */
        BROKER_UNAVAILABLE,
        /** The bus was closed. */
        CLOSED
    }

    private final Reason reason;
    private final String topic;
    private final String messageId;

    /**
     * @param reason what happened
     * @param topic the topic published to
     * @param messageId the envelope id
     * @param detail more facts for the log, e.g. the broker's reply text
     * @param cause the underlying failure, or {@code null}
     */
    public PublishException(Reason reason, String topic, String messageId, String detail, @Nullable Throwable cause) {
        super("publish of " + messageId + " to '" + topic + "' failed: " + reason + (detail.isEmpty() ? "" : " (" + detail + ")"),
                cause);
        this.reason = reason;
        this.topic = topic;
        this.messageId = messageId;
    }

    /** @return what happened */
    public Reason reason() {
        return reason;
    }

    /** @return the topic published to */
    public String topic() {
        return topic;
    }

    /** @return the id of the envelope */
    public String messageId() {
        return messageId;
    }
}
