package dev.chassis.testkit.contract;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chassis.core.envelope.Envelope;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * One event a consumer expects from a provider: its transport facts (exchange, routing key = the
 * chassis topic, content type, event type) and its body, with {@link Matcher}s where the producer
 * may send more than one value. The transport facts go into the pact's message metadata, so a
 * producer that changes its routing key or event type fails verification.
 *
 * <pre>{@code
 * MessageInteraction userCreated = MessageInteraction.builder("a user.created event")
 *         .given("a user registered")
 *         .topic("user.created")
 *         .type("user.created")
 *         .body(Map.of("userId", Matchers.like("u-42"), "email", Matchers.regex(".+@.+", "ada@example.com")))
 *         .build();
 * }</pre>
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class MessageInteraction {
    /** The metadata key of the exchange the event is published to. */
    public static final String EXCHANGE = "exchange";
    /** The metadata key of the routing key, which is the chassis topic. */
    public static final String ROUTING_KEY = "routingKey";
    /** The metadata key of the body's content type (the envelope's {@code datacontenttype}). */
    public static final String CONTENT_TYPE = "contentType";
    /** The metadata key of the event type (the envelope's {@code type}). */
    public static final String TYPE = "type";
    /** The exchange the chassis's RabbitMQ bus publishes to by default. */
    public static final String DEFAULT_EXCHANGE = "chassis.events";

    private final String description;
    private final List<ProviderState> states;
    private final String topic;
    private final String type;
    private final String contentType;
    private final JsonNode content;
    private final ObjectNode node;

    private MessageInteraction(Builder b, String topic, String type, ObjectNode node) {
        this.description = b.description;
        this.states = List.copyOf(b.states);
        this.topic = topic;
        this.type = type;
        this.contentType = b.contentType;
        this.content = b.content;
        this.node = node;
    }

    /**
     * @param description what the event means to the consumer, unique among the pact's messages
     * @return a builder
     */
    public static Builder builder(String description) {
        return new Builder(requireNonNull(description, "description"));
    }

    /** @return the description */
    public String description() {
        return description;
    }

    /** @return the topic (routing key) */
    public String topic() {
        return topic;
    }

    /**
     * An envelope as the producer would send it, with the example body; a new random id each call.
     *
     * @return the example envelope
     */
    public Envelope example() {
        String text = content.isTextual() ? content.textValue() : PactJson.compact(content);
        return Envelope.builder()
                .type(type)
                .source("/contract/" + description.replaceAll("[^A-Za-z0-9._-]+", "-"))
                .data(contentType, text.getBytes(StandardCharsets.UTF_8))
                .build();
    }

    /** The V4 interaction; a copy. */
    ObjectNode node() {
        return node.deepCopy();
    }

    /** @return the description and states */
    @Override
    public String toString() {
        return Interactions.label(description, states);
    }

    /** Builds a {@link MessageInteraction}; not thread-safe. */
    public static final class Builder {
        private final String description;
        private final List<ProviderState> states = new ArrayList<>();
        private final Map<String, Object> metadata = new TreeMap<>();
        private String contentType = Envelope.JSON;
        private JsonNode content = PactJson.object();
        private ObjectNode bodyRules = PactJson.object();
        private @Nullable String topic;
        private @Nullable String type;

        private Builder(String description) {
            this.description = description;
            metadata.put(EXCHANGE, DEFAULT_EXCHANGE);
        }

        /**
         * @param state a provider state without parameters
         * @return this builder
         */
        public Builder given(String state) {
            states.add(ProviderState.of(state));
            return this;
        }

        /**
         * @param state a provider state
         * @param params its parameters
         * @return this builder
         */
        public Builder given(String state, Map<String, ?> params) {
            states.add(ProviderState.of(state, params));
            return this;
        }

        /**
         * @param exchange the exchange, default {@value #DEFAULT_EXCHANGE}
         * @return this builder
         */
        public Builder exchange(String exchange) {
            metadata.put(EXCHANGE, requireNonNull(exchange, "exchange"));
            return this;
        }

        /**
         * @param topic the topic the event is published to, which is its routing key; required
         * @return this builder
         */
        public Builder topic(String topic) {
            this.topic = requireNonNull(topic, "topic");
            return this;
        }

        /**
         * @param type the event type, for example {@code user.created}; required
         * @return this builder
         */
        public Builder type(String type) {
            this.type = requireNonNull(type, "type");
            return this;
        }

        /**
         * @param body the JSON body: maps, lists, plain values, records and {@link Matcher}s
         * @return this builder
         */
        public Builder body(Object body) {
            ObjectNode rules = PactJson.object();
            this.content = Examples.build(requireNonNull(body, "body"), "$", rules);
            this.bodyRules = rules;
            this.contentType = Envelope.JSON;
            return this;
        }

        /**
         * Another metadata entry the consumer relies on, such as {@code subject}.
         *
         * @param key the metadata key
         * @param value a string or a {@link Matcher}
         * @return this builder
         */
        public Builder metadata(String key, Object value) {
            metadata.put(requireNonNull(key, "key"), requireNonNull(value, "value"));
            return this;
        }

        /**
         * @return the interaction
         * @throws IllegalStateException if the topic or type is missing
         */
        public MessageInteraction build() {
            if (topic == null || type == null) {
                throw new IllegalStateException("message '" + description + "' needs a topic and a type, for example "
                        + ".topic(\"user.created\").type(\"user.created\")");
            }
            ObjectNode node = Interactions.header(Interactions.MESSAGE, description, states);
            node.set("contents", HttpParts.bodyNode(content.deepCopy(), contentType));
            ObjectNode meta = node.putObject("metadata");
            ObjectNode metaRules = PactJson.object();
            Map<String, Object> all = new TreeMap<>(metadata);
            all.put(ROUTING_KEY, topic);
            all.put(TYPE, type);
            all.put(CONTENT_TYPE, contentType);
            all.forEach((key, value) -> meta.put(key, Examples.text(value, key, metaRules)));
            ObjectNode rules = PactJson.object();
            if (!bodyRules.isEmpty()) {
                rules.set("body", bodyRules.deepCopy());
            }
            if (!metaRules.isEmpty()) {
                rules.set("metadata", metaRules);
            }
            if (!rules.isEmpty()) {
                node.set("matchingRules", rules);
            }
            return new MessageInteraction(this, topic, type, node);
        }
    }
}
