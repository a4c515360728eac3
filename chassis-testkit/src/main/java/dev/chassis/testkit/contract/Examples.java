package dev.chassis.testkit.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Turns an expectation written with plain Java values and {@link Matcher}s into the example JSON and
 * the body matching rules of a pact, keyed by JSON path ({@code $.items[*].id}). Stateless.
 */
final class Examples {
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]*");

    private Examples() {
    }

    /**
     * @param value the expectation
     * @param rules receives {@code path -> {"combine":"AND","matchers":[rule]}}
     * @return the example
     */
    static JsonNode build(@Nullable Object value, String path, ObjectNode rules) {
        if (value instanceof Matcher m) {
            rules.set(path, ruleSet(m.rule()));
            if (m.copies() > 0) {
                JsonNode element = build(m.example(), path + "[*]", rules);
                ArrayNode examples = PactJson.array();
                for (int i = 0; i < m.copies(); i++) {
                    examples.add(element.deepCopy());
                }
                return examples;
            }
            return build(m.example(), path, rules);
        }
        if (value instanceof Map<?, ?> map) {
            ObjectNode node = PactJson.object();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!(e.getKey() instanceof String key)) {
                    throw new IllegalArgumentException("object keys must be strings, found " + e.getKey() + " at " + path);
                }
                node.set(key, build(e.getValue(), path + field(key), rules));
            }
            return node;
        }
        if (value instanceof List<?> list) {
            ArrayNode node = PactJson.array();
            for (int i = 0; i < list.size(); i++) {
                node.add(build(list.get(i), path + "[" + i + "]", rules));
            }
            return node;
        }
        if (value == null) {
            return PactJson.NODES.nullNode();
        }
        return PactJson.toNode(value);
    }

    /** The example only, for a header, query or path value; its rule, if any, goes under {@code key}. */
    static String text(Object value, String key, ObjectNode rules) {
        if (value instanceof Matcher m) {
            rules.set(key, ruleSet(m.rule()));
            return String.valueOf(m.example());
        }
        return String.valueOf(value);
    }

    static ObjectNode ruleSet(ObjectNode rule) {
        ObjectNode set = PactJson.object().put("combine", "AND");
        set.putArray("matchers").add(rule);
        return set;
    }

    static String field(String key) {
        return IDENTIFIER.matcher(key).matches() ? "." + key : "['" + key.replace("'", "\\'") + "']";
    }
}
