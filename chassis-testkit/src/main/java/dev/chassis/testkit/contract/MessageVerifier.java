package dev.chassis.testkit.contract;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The provider side of a message contract: for every message of a pact file, sets up its provider
 * states, runs the {@link MessageProducer} registered under its description, and compares the
 * envelope's data with the expected body and the transport facts (exchange, routing key, content
 * type, event type) with the expected metadata.
 *
 * <pre>{@code
 * MessageVerifier verifier = MessageVerifier.builder()
 *         .message("a user.created event", states -> ProducedMessage.of("user.created", users.createdEvent(ada)))
 *         .build();
 * verifier.verify(Path.of("pacts/email-service-user-service.json"));
 * }</pre>
 *
 * <p>A message without a producer is a mismatch. Instances are immutable and thread-safe if the
 * producers and state handlers are.
 */
public final class MessageVerifier {
    private final Map<String, MessageProducer> producers;
    private final Map<String, StateHandler> states;

    private MessageVerifier(Map<String, MessageProducer> producers, Map<String, StateHandler> states) {
        this.producers = Map.copyOf(producers);
        this.states = Map.copyOf(states);
    }

    /** @return a builder */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * @param pactFile a V3 or V4 pact file with messages
     * @throws AssertionError listing every mismatch, or if the file holds no message
     */
    public void verify(Path pactFile) {
        verify(PactFile.read(pactFile));
    }

    /**
     * @param pact a pact with messages
     * @throws AssertionError listing every mismatch, or if the pact holds no message
     */
    public void verify(PactFile pact) {
        List<Mismatch> mismatches = mismatches(pact);
        if (!mismatches.isEmpty()) {
            throw Reports.failure("message pact " + pact + " not honoured", messages(pact).size(), mismatches);
        }
    }

    /**
     * @param pact a pact with messages
     * @return the mismatches, in file order; empty if the producer honours the pact
     * @throws AssertionError if the pact holds no message
     */
    public List<Mismatch> mismatches(PactFile pact) {
        requireNonNull(pact, "pact");
        return Verification.each(messages(pact), this::verifyOne);
    }

    private static List<JsonNode> messages(PactFile pact) {
        return Verification.ofType(pact, Interactions.MESSAGE, "message");
    }

    private List<Mismatch> verifyOne(JsonNode message) {
        String label = Interactions.label(message);
        String description = Interactions.description(message);
        MessageProducer producer = producers.get(description);
        if (producer == null) {
            return List.of(new Mismatch(label, "$", description, Matching.MISSING,
                    "a producer for every message; register .message(\"" + description + "\", ...)"));
        }
        Mismatch stateFailure = Verification.setUpStates(message, states);
        if (stateFailure != null) {
            return List.of(stateFailure);
        }
        ProducedMessage produced;
        try {
            produced = producer.produce(Interactions.states(message));
        } catch (Exception e) {
            return List.of(new Mismatch(label, "$", "a message", Reports.exception(e), "the producer must succeed"));
        }
        Matching m = new Matching(label);
        JsonNode rules = message.get("matchingRules");
        JsonNode expected = HttpParts.content(message.get("contents"));
        if (expected != null) {
            byte[] data = produced.envelope().hasData() ? produced.envelope().data() : new byte[0];
            m.body(expected, HttpParts.actualBody(expected, data), Rules.of(rules, "body"), true);
        }
        Map<String, String> actual = produced.metadata();
        Rules metaRules = Rules.of(rules, "metadata");
        Iterator<Map.Entry<String, JsonNode>> it = message.path("metadata").fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            String value = actual.get(e.getKey());
            m.value("$.metadata" + Examples.field(e.getKey()), e.getValue(), value == null ? null : TextNode.valueOf(value),
                    metaRules.named(e.getKey(), false));
        }
        return m.mismatches();
    }

    /** Configures a {@link MessageVerifier}; not thread-safe. */
    public static final class Builder {
        private final Map<String, MessageProducer> producers = new LinkedHashMap<>();
        private final Map<String, StateHandler> states = new LinkedHashMap<>();

        private Builder() {
        }

        /**
         * @param description a message's description as the pact spells it
         * @param producer runs the producer's code for it
         * @return this builder
         */
        public Builder message(String description, MessageProducer producer) {
            producers.put(requireNonNull(description, "description"), requireNonNull(producer, "producer"));
            return this;
        }

        /**
         * @param name a provider state's name as the pact spells it
         * @param handler sets the state up
         * @return this builder
         */
        public Builder state(String name, StateHandler handler) {
            states.put(requireNonNull(name, "name"), requireNonNull(handler, "handler"));
            return this;
        }

        /** @return the verifier */
        public MessageVerifier build() {
            return new MessageVerifier(producers, states);
        }
    }
}
