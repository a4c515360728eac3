package dev.chassis.testkit.contract;

import static java.util.Objects.requireNonNull;

import dev.chassis.core.envelope.Envelope;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a producer's code publishes: the envelope, the topic (the routing key on RabbitMQ) and the
 * exchange. A {@link MessageVerifier} compares it with a message pact: the envelope's data with the
 * body, and the transport facts with the metadata.
 *
 * <pre>{@code
 * ProducedMessage produced = ProducedMessage.of("user.created", users.createdEvent(user));
 * }</pre>
 *
 * @param exchange the exchange the bus publishes to
 * @param topic the topic, which is the routing key
 * @param envelope the envelope
 */
public record ProducedMessage(String exchange, String topic, Envelope envelope) {
    /** Checks that no component is null. */
    public ProducedMessage {
        requireNonNull(exchange, "exchange");
        requireNonNull(topic, "topic");
        requireNonNull(envelope, "envelope");
    }

    /**
     * @param topic the topic the producer publishes to
     * @param envelope the envelope it builds
     * @return a message on the default exchange {@value MessageInteraction#DEFAULT_EXCHANGE}
     */
    public static ProducedMessage of(String topic, Envelope envelope) {
        return new ProducedMessage(MessageInteraction.DEFAULT_EXCHANGE, topic, envelope);
    }

    /**
     * @param exchange another exchange
     * @return a copy on that exchange
     */
    public ProducedMessage withExchange(String exchange) {
        return new ProducedMessage(exchange, topic, envelope);
    }

    /**
     * The metadata a message pact can expect: {@code exchange}, {@code routingKey}, {@code contentType},
     * {@code type}, the other CloudEvents attributes ({@code id}, {@code source}, {@code specversion},
     * {@code subject}) and the envelope's extensions.
     *
     * @return the metadata
     */
    public Map<String, String> metadata() {
        Map<String, String> metadata = new LinkedHashMap<>();
        envelope.extensions().forEach((k, v) -> metadata.put(k, String.valueOf(v)));
        metadata.put("id", envelope.id());
        metadata.put("source", envelope.source().toString());
        metadata.put("specversion", envelope.specVersion());
        envelope.subject().ifPresent(s -> metadata.put("subject", s));
        metadata.put(MessageInteraction.EXCHANGE, exchange);
        metadata.put(MessageInteraction.ROUTING_KEY, topic);
        envelope.dataContentType().ifPresent(c -> metadata.put(MessageInteraction.CONTENT_TYPE, c));
        metadata.put(MessageInteraction.TYPE, envelope.type());
        return metadata;
    }
}
