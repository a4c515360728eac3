package dev.chassis.testkit.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** The common part of V4 interactions: type, description, provider states, and their identity. Stateless. */
final class Interactions {
    static final String HTTP = "Synchronous/HTTP";
    static final String MESSAGE = "Asynchronous/Messages";

    private Interactions() {
    }

    static ObjectNode header(String type, String description, List<ProviderState> states) {
        ObjectNode node = PactJson.object();
        node.put("type", type);
        node.put("description", description);
        if (!states.isEmpty()) {
            ArrayNode array = node.putArray("providerStates");
            for (ProviderState s : states) {
                ObjectNode state = array.addObject().put("name", s.name());
                if (!s.params().isEmpty()) {
                    state.set("params", PactJson.toNode(s.params()));
                }
            }
        }
        return node;
    }

    static String description(JsonNode interaction) {
        return interaction.path("description").asText("");
    }

    static List<ProviderState> states(JsonNode interaction) {
        List<ProviderState> states = new ArrayList<>();
        for (JsonNode s : interaction.path("providerStates")) {
            states.add(ProviderState.of(s.path("name").asText(), s.has("params") ? PactJson.toMap(s.get("params"))
                    : java.util.Map.of()));
        }
        if (states.isEmpty() && interaction.hasNonNull("providerState")) {
            states.add(ProviderState.of(interaction.get("providerState").asText()));
        }
        return states;
    }

    /** Identity in a pact: description and states; also the sort order of the written file. */
    static String key(JsonNode interaction) {
        return description(interaction) + "\u0000" + PactJson.compact(interaction.path("providerStates"));
    }

    static String label(String description, List<ProviderState> states) {
        return states.isEmpty() ? "'" + description + "'"
                : "'" + description + "' given " + states.stream().map(s -> "'" + s + "'").collect(Collectors.joining(" and "));
    }

    static String label(JsonNode interaction) {
        return label(description(interaction), states(interaction));
    }
}
