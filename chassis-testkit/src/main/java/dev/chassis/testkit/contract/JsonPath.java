package dev.chassis.testkit.contract;

import java.util.ArrayList;
import java.util.List;

/**
 * The small JSON path dialect of Pact matching rules: {@code $}, {@code .name}, {@code ['name']},
 * {@code [0]}, {@code [*]} and {@code .*}. Paths are lists of steps: a {@code String} field name, an
 * {@code Integer} index or {@link #ANY}. Stateless.
 */
final class JsonPath {
    static final Object ANY = new Object() {
        @Override
        public String toString() {
            return "*";
        }
    };

    private JsonPath() {
    }

    static List<Object> parse(String path) {
        List<Object> steps = new ArrayList<>();
        String p = path.trim();
        int i = p.startsWith("$") ? 1 : 0;
        while (i < p.length()) {
            char c = p.charAt(i);
            if (c == '.') {
                int end = i + 1;
                while (end < p.length() && p.charAt(end) != '.' && p.charAt(end) != '[') {
                    end++;
                }
                String name = p.substring(i + 1, end);
                steps.add(name.equals("*") ? ANY : name);
                i = end;
            } else if (c == '[') {
                int end = p.indexOf(']', i);
                if (end < 0) {
                    throw new IllegalArgumentException("unclosed [ in matching rule path " + path);
                }
                String inside = p.substring(i + 1, end).trim();
                if (inside.startsWith("'") || inside.startsWith("\"")) {
                    end = closingQuote(p, i + 1);
                    steps.add(p.substring(i + 2, end - 1).replace("\\'", "'"));
                    end = p.indexOf(']', end);
                } else if (inside.equals("*")) {
                    steps.add(ANY);
                } else {
                    steps.add(Integer.parseInt(inside));
                }
                i = end + 1;
            } else {
                throw new IllegalArgumentException("unexpected '" + c + "' in matching rule path " + path);
            }
        }
        return steps;
    }

    private static int closingQuote(String p, int open) {
        char quote = p.charAt(open);
        int i = open + 1;
        while (i < p.length()) {
            if (p.charAt(i) == '\\') {
                i += 2;
                continue;
            }
            if (p.charAt(i) == quote) {
                return i + 1;
            }
            i++;
        }
        throw new IllegalArgumentException("unclosed quote in matching rule path " + p);
    }

    /**
     * How well a rule path matches the start of an actual path: -1 if it does not, else the number of
     * exact steps (a wildcard matches but weighs nothing).
     */
    static int weight(List<Object> rule, List<Object> actual) {
        if (rule.size() > actual.size()) {
            return -1;
        }
        int weight = 0;
        for (int i = 0; i < rule.size(); i++) {
            Object r = rule.get(i);
            if (r == ANY) {
                continue;
            }
            if (!r.equals(actual.get(i))) {
                return -1;
            }
            weight++;
        }
        return weight;
    }

    /** Renders an actual path, for reports: {@code $.body.items[0].id}. */
    static String render(String root, List<Object> path) {
        StringBuilder b = new StringBuilder(root);
        for (Object step : path) {
            if (step instanceof Integer index) {
                b.append('[').append(index).append(']');
            } else {
                b.append(Examples.field(step.toString()));
            }
        }
        return b.toString();
    }
}
