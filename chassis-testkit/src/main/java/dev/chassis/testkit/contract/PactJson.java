package dev.chassis.testkit.contract;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The JSON side of pact files: one mapper, a canonical form (object keys sorted, arrays in order)
 * and a pretty printer that ends lines with {@code \n} on every platform, so that the same contract
 * always gives the same bytes. Stateless and thread-safe.
 */
final class PactJson {
    static final ObjectMapper MAPPER = new ObjectMapper()
            .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);
    static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final ObjectWriter WRITER = MAPPER.writer(new DefaultPrettyPrinter()
            .withObjectIndenter(new DefaultIndenter("  ", "\n"))
            .withArrayIndenter(new DefaultIndenter("  ", "\n")));

    private PactJson() {
    }

    static ObjectNode object() {
        return NODES.objectNode();
    }

    static ArrayNode array() {
        return NODES.arrayNode();
    }

    /** Pretty, key-sorted JSON with a trailing newline. */
    static byte[] write(JsonNode node) {
        try {
            return (WRITER.writeValueAsString(canonical(node)) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write pact JSON: " + e.getMessage(), e);
        }
    }

    /** Compact, key-sorted JSON, used to compare and order nodes. */
    static String compact(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(canonical(node));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON: " + e.getMessage(), e);
        }
    }

    static JsonNode read(byte[] json) throws IOException {
        return MAPPER.readTree(json);
    }

    static JsonNode canonical(JsonNode node) {
        if (node.isObject()) {
            List<String> names = new ArrayList<>();
            node.fieldNames().forEachRemaining(names::add);
            names.sort(null);
            ObjectNode sorted = object();
            for (String name : names) {
                sorted.set(name, canonical(node.get(name)));
            }
            return sorted;
        }
        if (node.isArray()) {
            ArrayNode copy = array();
            node.forEach(element -> copy.add(canonical(element)));
            return copy;
        }
        return node;
    }

    static JsonNode toNode(Object value) {
        return MAPPER.valueToTree(value);
    }

    static Map<String, Object> toMap(JsonNode node) {
        return MAPPER.convertValue(node, MAPPER.getTypeFactory().constructMapType(Map.class, String.class,
                Object.class));
    }

    /** The text of a value as a matcher sees it: strings unquoted, anything else as JSON. */
    static String text(JsonNode node) {
        return node.isTextual() ? node.textValue() : node.toString();
    }
}
