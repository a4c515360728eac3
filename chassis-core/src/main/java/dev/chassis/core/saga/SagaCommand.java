package dev.chassis.core.saga;

import static java.util.Objects.requireNonNull;

/**
 * A command a saga step sends to a participant: the orchestrator wraps it in an envelope carrying
 * the saga's correlation extensions (see {@link SagaEnvelopes}) and stores it with the saga's new
 * state. Immutable.
 *
 * <pre>{@code
 * SagaCommand reserve = SagaCommand.of("inventory", "inventory.reserve", Map.of("orderId", "o-1"));
 * }</pre>
 *
 * @param topic the topic to publish to, e.g. {@code "inventory"}
 * @param type the envelope type, an explicit name such as {@code "inventory.reserve"}
 * @param payload the envelope data, written as JSON
 */
public record SagaCommand(String topic, String type, Object payload) {
    /** Checks the components. */
    public SagaCommand {
        requireNonNull(topic, "topic");
        requireNonNull(type, "type");
        requireNonNull(payload, "payload");
        if (topic.isBlank() || type.isBlank()) {
            throw new IllegalArgumentException("topic and type must not be blank");
        }
    }

    /**
     * A command.
     *
     * @param topic the topic to publish to
     * @param type the envelope type
     * @param payload the data, written as JSON
     * @return the command
     */
    public static SagaCommand of(String topic, String type, Object payload) {
        return new SagaCommand(topic, type, payload);
    }
}
