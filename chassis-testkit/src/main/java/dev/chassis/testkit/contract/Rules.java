package dev.chassis.testkit.contract;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The matching rules of one category of a request, response or message ({@code body}, {@code header},
 * {@code query}, {@code path}, {@code status}, {@code metadata}), read from a pact's
 * {@code matchingRules}. Body rules are keyed by JSON path and apply to the value at that path and,
 * where nothing more specific is declared, to everything below it. Immutable and thread-safe.
 */
final class Rules {
    private static final Rules NONE = new Rules(Map.of());

    private final Map<String, Entry> byKey;

    private Rules(Map<String, Entry> byKey) {
        this.byKey = byKey;
    }

    /** A category that applies to a single value (path, status) keeps its rule under the key "". */
    static Rules of(@Nullable JsonNode matchingRules, String category) {
        JsonNode node = matchingRules == null ? null : matchingRules.get(category);
        if (node == null || !node.isObject()) {
            return NONE;
        }
        Map<String, Entry> byKey = new LinkedHashMap<>();
        if (node.has("matchers")) {
            byKey.put("", new Entry("", List.of(), node));
        } else {
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> f = fields.next();
                byKey.put(f.getKey(), new Entry(f.getKey(), category.equals("body") ? JsonPath.parse(f.getKey())
                        : List.of(), f.getValue()));
            }
        }
        return new Rules(byKey);
    }

    /** The rule for a single-valued category (path, status), if any. */
    @Nullable JsonNode single() {
        Entry e = byKey.get("");
        return e == null ? null : e.rule;
    }

    /** The rule for a named value (header names compare case-insensitively), if any. */
    @Nullable JsonNode named(String name, boolean ignoreCase) {
        for (Entry e : byKey.values()) {
            if (ignoreCase ? e.key.toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT)) : e.key.equals(name)) {
                return e.rule;
            }
        }
        return null;
    }

    /**
     * The most specific body rule whose path matches the start of {@code path}: the longest, then the
     * one with more exact (non-wildcard) steps.
     */
    @Nullable JsonNode bestFor(List<Object> path) {
        Entry best = null;
        int bestLength = -1;
        int bestWeight = -1;
        for (Entry e : byKey.values()) {
            int weight = JsonPath.weight(e.path, path);
            if (weight < 0) {
                continue;
            }
            if (e.path.size() > bestLength || (e.path.size() == bestLength && weight > bestWeight)) {
                best = e;
                bestLength = e.path.size();
                bestWeight = weight;
            }
        }
        return best == null ? null : best.rule;
    }

    private record Entry(String key, List<Object> path, JsonNode rule) {
        Entry {
            path = new ArrayList<>(path);
        }
    }
}
