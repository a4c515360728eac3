package dev.chassis.testkit.contract;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A pact file read for verification: Pact specification V4, V3 (HTTP {@code interactions} or
 * {@code messages}) or V2, from this testkit or any other Pact implementation, normalised to the V4
 * structure. Generators are ignored: verification compares against the examples and matching rules.
 *
 * <pre>{@code
 * PactFile pact = PactFile.read(Path.of("target/pacts/order-service-user-service.json"));
 * }</pre>
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class PactFile {
    private final String consumer;
    private final String provider;
    private final String specificationVersion;
    private final List<JsonNode> interactions;

    private PactFile(String consumer, String provider, String specificationVersion, List<JsonNode> interactions) {
        this.consumer = consumer;
        this.provider = provider;
        this.specificationVersion = specificationVersion;
        this.interactions = List.copyOf(interactions);
    }

    /**
     * @param file a pact file
     * @return the pact
     * @throws UncheckedIOException if the file cannot be read
     * @throws IllegalArgumentException if it is not a pact file
     */
    public static PactFile read(Path file) {
        requireNonNull(file, "file");
        try {
            return parse(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the pact file " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * @param json a pact document
     * @return the pact
     * @throws IllegalArgumentException if it is not a pact
     */
    public static PactFile parse(String json) {
        requireNonNull(json, "json");
        JsonNode doc;
        try {
            doc = PactJson.read(json.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalArgumentException("not JSON, so not a pact: " + e.getMessage(), e);
        }
        if (!doc.isObject() || !doc.path("consumer").has("name") || !doc.path("provider").has("name")) {
            throw new IllegalArgumentException("not a pact: consumer.name and provider.name are required");
        }
        String version = version(doc);
        List<JsonNode> interactions = new ArrayList<>();
        for (JsonNode i : doc.path("interactions")) {
            interactions.add(i.has("type") ? i : v3Http(i));
        }
        for (JsonNode m : doc.path("messages")) {
            interactions.add(v3Message(m));
        }
        return new PactFile(doc.get("consumer").get("name").asText(), doc.get("provider").get("name").asText(),
                version, interactions);
    }

    /** @return the consumer's name */
    public String consumer() {
        return consumer;
    }

    /** @return the provider's name */
    public String provider() {
        return provider;
    }

    /** @return the file's {@code metadata.pactSpecification.version}, for example {@code 4.0}; 2.0.0 if absent */
    public String specificationVersion() {
        return specificationVersion;
    }

    /** @return each interaction's description and provider states, in file order */
    public List<String> interactions() {
        return interactions.stream().map(Interactions::label).toList();
    }

    /** Interactions in the V4 structure. */
    List<JsonNode> nodes() {
        return interactions;
    }

    /** @return the consumer and provider names */
    @Override
    public String toString() {
        return consumer + " -> " + provider;
    }

    private static String version(JsonNode doc) {
        JsonNode meta = doc.path("metadata");
        for (String key : List.of("pactSpecification", "pact-specification")) {
            if (meta.path(key).has("version")) {
                return meta.path(key).get("version").asText();
            }
        }
        return meta.path("pactSpecificationVersion").asText("2.0.0");
    }

    private static JsonNode v3Http(JsonNode i) {
        ObjectNode v4 = ((ObjectNode) i.deepCopy()).put("type", Interactions.HTTP);
        v4.remove("providerState");
        v4.set("providerStates", PactJson.toNode(Interactions.states(i).stream()
                .map(s -> s.params().isEmpty() ? Map.of("name", s.name()) : Map.of("name", s.name(), "params", s.params()))
                .toList()));
        if (v4.get("providerStates").isEmpty()) {
            v4.remove("providerStates");
        }
        v4.set("request", v3Part(i.path("request"), true));
        v4.set("response", v3Part(i.path("response"), false));
        return v4;
    }

    private static ObjectNode v3Part(JsonNode part, boolean request) {
        ObjectNode v4 = part.isObject() ? ((ObjectNode) part).deepCopy() : PactJson.object();
        if (request && v4.path("query").isTextual()) {
            v4.set("query", PactJson.toNode(HttpParts.parseQuery(v4.get("query").asText())));
        }
        if (v4.has("query")) {
            v4.set("query", PactJson.toNode(HttpParts.stringLists(v4.get("query"))));
        }
        if (v4.has("headers")) {
            v4.set("headers", PactJson.toNode(HttpParts.stringLists(v4.get("headers"))));
        }
        if (v4.has("body")) {
            JsonNode body = v4.get("body");
            v4.set("body", HttpParts.bodyNode(body, contentType(HttpParts.stringLists(v4.get("headers")), body)));
        }
        if (v4.has("matchingRules")) {
            v4.set("matchingRules", v2Rules(v4.get("matchingRules")));
        }
        return v4;
    }

    private static JsonNode v3Message(JsonNode m) {
        ObjectNode v4 = Interactions.header(Interactions.MESSAGE, Interactions.description(m), Interactions.states(m));
        JsonNode metadata = m.has("metaData") ? m.get("metaData") : m.path("metadata");
        if (metadata.isObject()) {
            v4.set("metadata", metadata.deepCopy());
        }
        if (m.has("contents")) {
            String contentType = metadata.path("contentType").asText(metadata.path("content-type")
                    .asText(m.get("contents").isContainerNode() ? "application/json" : "text/plain"));
            v4.set("contents", HttpParts.bodyNode(m.get("contents"), contentType));
        }
        if (m.has("matchingRules")) {
            v4.set("matchingRules", v2Rules(m.get("matchingRules")));
        }
        return v4;
    }

    private static String contentType(Map<String, List<String>> headers, JsonNode body) {
        for (Map.Entry<String, List<String>> h : headers.entrySet()) {
            if (h.getKey().equalsIgnoreCase("Content-Type") && !h.getValue().isEmpty()) {
                return h.getValue().get(0);
            }
        }
        return body.isTextual() ? "text/plain" : "application/json";
    }

    /** V2 keeps every rule under a flat {@code $.body...}/{@code $.headers...} path; V3 splits them. */
    private static JsonNode v2Rules(JsonNode rules) {
        boolean v2 = false;
        Iterator<String> names = rules.fieldNames();
        while (names.hasNext()) {
            v2 |= names.next().startsWith("$.");
        }
        if (!v2) {
            return rules;
        }
        ObjectNode v3 = PactJson.object();
        rules.fields().forEachRemaining(f -> {
            String key = f.getKey();
            ObjectNode set = Examples.ruleSet((ObjectNode) f.getValue().deepCopy());
            if (key.startsWith("$.body")) {
                v3.withObjectProperty("body").set("$" + key.substring("$.body".length()), set);
            } else if (key.startsWith("$.headers.")) {
                v3.withObjectProperty("header").set(key.substring("$.headers.".length()), set);
            } else if (key.startsWith("$.query.")) {
                v3.withObjectProperty("query").set(key.substring("$.query.".length()), set);
            } else if (key.equals("$.path")) {
                v3.set("path", set);
            }
        });
        return v3;
    }
}
