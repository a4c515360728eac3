package dev.chassis.testkit.contract;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/** What the HTTP and message verifiers share: picking interactions, setting states up, collecting mismatches. Stateless. */
final class Verification {
    private Verification() {
    }

    /**
     * @return the pact's interactions of the type, in file order
     * @throws AssertionError if there is none, so that an empty verification cannot pass
     */
    static List<JsonNode> ofType(PactFile pact, String type, String what) {
        List<JsonNode> found = pact.nodes().stream().filter(i -> type.equals(i.path("type").asText())).toList();
        if (found.isEmpty()) {
            throw new AssertionError("pact " + pact + " holds no " + what + " to verify");
        }
        return found;
    }

    static List<Mismatch> each(List<JsonNode> interactions, Function<JsonNode, List<Mismatch>> verifyOne) {
        List<Mismatch> all = new ArrayList<>();
        interactions.forEach(i -> all.addAll(verifyOne.apply(i)));
        return List.copyOf(all);
    }

    /** Runs the handlers of the interaction's states; @return the mismatch that stops it, or null */
    static @Nullable Mismatch setUpStates(JsonNode interaction, Map<String, StateHandler> handlers) {
        String label = Interactions.label(interaction);
        for (ProviderState state : Interactions.states(interaction)) {
            StateHandler handler = handlers.get(state.name());
            if (handler == null) {
                return new Mismatch(label, "$.providerStates", state.name(), Matching.MISSING,
                        "a state handler for every provider state; register .state(\"" + state.name() + "\", ...)");
            }
            try {
                handler.setUp(state.params());
            } catch (Exception e) {
                return new Mismatch(label, "$.providerStates", state.name(), Reports.exception(e),
                        "the state handler must succeed");
            }
        }
        return null;
    }
}
