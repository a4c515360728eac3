package dev.chassis.testkit.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Compares what a contract expects with what happened, part by part, with the Pact semantics: rules
 * where declared (inherited by nested values), equality elsewhere; expected object keys must be
 * present, unexpected ones are allowed only where the contract says so (responses and messages, not
 * requests); arrays without a rule must have the same length. Collects {@link Mismatch}es; not
 * thread-safe, one instance per comparison.
 */
final class Matching {
    static final String MISSING = "(missing)";
    private static final int MAX_TEXT = 200;

    private final String interaction;
    private final List<Mismatch> mismatches = new ArrayList<>();

    Matching(String interaction) {
        this.interaction = interaction;
    }

    List<Mismatch> mismatches() {
        return List.copyOf(mismatches);
    }

    void add(String path, String expected, String actual, String rule) {
        mismatches.add(new Mismatch(interaction, path, shorten(expected), shorten(actual), rule));
    }

    /** A single value: method, path, status, a metadata entry. */
    void value(String path, JsonNode expected, @Nullable JsonNode actual, @Nullable JsonNode rule) {
        if (actual == null) {
            add(path, json(expected), MISSING, rule == null ? "equality" : RuleCheck.describe(rule));
            return;
        }
        if (rule != null) {
            List<String> failures = RuleCheck.check(rule, expected, actual, true);
            if (!failures.isEmpty()) {
                add(path, json(expected), json(actual), RuleCheck.describe(rule) + ": " + String.join("; ", failures));
            }
        } else if (!RuleCheck.sameValue(expected, actual) && !PactJson.text(expected).equals(PactJson.text(actual))) {
            add(path, json(expected), json(actual), "equality");
        }
    }

    void headers(Map<String, List<String>> expected, Map<String, List<String>> actual, Rules rules) {
        for (Map.Entry<String, List<String>> e : expected.entrySet()) {
            String path = "$.headers" + Examples.field(e.getKey());
            List<String> found = find(actual, e.getKey());
            String expectedText = String.join(", ", e.getValue());
            JsonNode rule = rules.named(e.getKey(), true);
            if (found == null) {
                add(path, json(TextNode.valueOf(expectedText)), MISSING, rule == null ? "equality" : RuleCheck.describe(rule));
                continue;
            }
            String actualText = String.join(", ", found);
            if (rule != null) {
                value(path, TextNode.valueOf(expectedText), TextNode.valueOf(actualText), rule);
            } else if (!headerEquals(e.getKey(), expectedText, actualText)) {
                add(path, json(TextNode.valueOf(expectedText)), json(TextNode.valueOf(actualText)), "equality");
            }
        }
    }

    void query(Map<String, List<String>> expected, Map<String, List<String>> actual, Rules rules) {
        for (Map.Entry<String, List<String>> e : expected.entrySet()) {
            String path = "$.query" + Examples.field(e.getKey());
            List<String> found = actual.get(e.getKey());
            JsonNode rule = rules.named(e.getKey(), false);
            if (found == null) {
                add(path, json(PactJson.toNode(e.getValue())), MISSING, rule == null ? "equality" : RuleCheck.describe(rule));
            } else if (rule != null) {
                for (int i = 0; i < found.size(); i++) {
                    String example = e.getValue().isEmpty() ? "" : e.getValue().get(Math.min(i, e.getValue().size() - 1));
                    value(path + "[" + i + "]", TextNode.valueOf(example), TextNode.valueOf(found.get(i)), rule);
                }
            } else if (!found.equals(e.getValue())) {
                add(path, json(PactJson.toNode(e.getValue())), json(PactJson.toNode(found)), "equality");
            }
        }
        for (Map.Entry<String, List<String>> a : actual.entrySet()) {
            if (!expected.containsKey(a.getKey())) {
                add("$.query" + Examples.field(a.getKey()), MISSING, json(PactJson.toNode(a.getValue())),
                        "no unexpected query parameters in a request");
            }
        }
    }

    /** A body; {@code expected} null means the contract does not care about the body. */
    void body(@Nullable JsonNode expected, @Nullable JsonNode actual, Rules rules, boolean allowUnexpectedKeys) {
        if (expected == null || expected.isMissingNode()) {
            return;
        }
        if (actual == null) {
            add("$.body", json(expected), MISSING, "equality");
            return;
        }
        compare(new ArrayList<>(), expected, actual, rules, allowUnexpectedKeys);
    }

    private void compare(List<Object> path, JsonNode expected, JsonNode actual, Rules rules, boolean allowExtra) {
        JsonNode rule = rules.bestFor(path);
        String at = JsonPath.render("$.body", path);
        if (rule != null) {
            List<String> failures = RuleCheck.check(rule, expected, actual, false);
            if (!failures.isEmpty()) {
                add(at, json(expected), json(actual), RuleCheck.describe(rule) + ": " + String.join("; ", failures));
                return;
            }
            if (expected.isArray() && actual.isArray() && RuleCheck.isTypeLike(rule)) {
                if (!expected.isEmpty()) {
                    for (int i = 0; i < actual.size(); i++) {
                        compare(child(path, i), expected.get(0), actual.get(i), rules, allowExtra);
                    }
                }
                return;
            }
            if (expected.isObject() && actual.isObject()) {
                fields(path, expected, actual, rules, allowExtra);
            }
            return;
        }
        if (expected.isObject()) {
            if (!actual.isObject()) {
                add(at, json(expected), json(actual), "equality: is " + RuleCheck.typeName(actual) + ", not an object");
                return;
            }
            fields(path, expected, actual, rules, allowExtra);
        } else if (expected.isArray()) {
            if (!actual.isArray()) {
                add(at, json(expected), json(actual), "equality: is " + RuleCheck.typeName(actual) + ", not an array");
                return;
            }
            if (expected.size() != actual.size()) {
                add(at, json(expected), json(actual), "equality: has " + actual.size() + " elements, not "
                        + expected.size());
            }
            for (int i = 0; i < Math.min(expected.size(), actual.size()); i++) {
                compare(child(path, i), expected.get(i), actual.get(i), rules, allowExtra);
            }
        } else if (!RuleCheck.sameValue(expected, actual)) {
            add(at, json(expected), json(actual), "equality");
        }
    }

    private void fields(List<Object> path, JsonNode expected, JsonNode actual, Rules rules, boolean allowExtra) {
        Iterator<Map.Entry<String, JsonNode>> it = expected.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> f = it.next();
            List<Object> childPath = child(path, f.getKey());
            JsonNode value = actual.get(f.getKey());
            if (value == null) {
                JsonNode rule = rules.bestFor(childPath);
                add(JsonPath.render("$.body", childPath), json(f.getValue()), MISSING,
                        rule == null ? "equality" : RuleCheck.describe(rule));
            } else {
                compare(childPath, f.getValue(), value, rules, allowExtra);
            }
        }
        if (!allowExtra) {
            actual.fieldNames().forEachRemaining(name -> {
                if (!expected.has(name)) {
                    add(JsonPath.render("$.body", child(path, name)), MISSING, json(actual.get(name)),
                            "no unexpected keys in a request body");
                }
            });
        }
    }

    private static List<Object> child(List<Object> path, Object step) {
        List<Object> child = new ArrayList<>(path.size() + 1);
        child.addAll(path);
        child.add(step);
        return child;
    }

    private static @Nullable List<String> find(Map<String, List<String>> headers, String name) {
        for (Map.Entry<String, List<String>> e : headers.entrySet()) {
            if (e.getKey().equalsIgnoreCase(name)) {
                return e.getValue();
            }
        }
        return null;
    }

    /** Header values compare item by item; a content type compares its media type and the expected parameters. */
    private static boolean headerEquals(String name, String expected, String actual) {
        if (name.equalsIgnoreCase("Content-Type")) {
            List<String> e = parts(expected, ";");
            List<String> a = parts(actual, ";");
            return !e.isEmpty() && !a.isEmpty() && e.get(0).equalsIgnoreCase(a.get(0))
                    && e.subList(1, e.size()).stream().allMatch(p -> a.stream().anyMatch(p::equalsIgnoreCase));
        }
        return parts(expected, ",").equals(parts(actual, ","));
    }

    private static List<String> parts(String value, String separator) {
        return Arrays.stream(value.split(separator)).map(s -> s.trim().replace(" ", "")).toList();
    }

    static String json(JsonNode node) {
        return PactJson.compact(node);
    }

    private static String shorten(String text) {
        return text.length() <= MAX_TEXT ? text : text.substring(0, MAX_TEXT) + "...";
    }
}
