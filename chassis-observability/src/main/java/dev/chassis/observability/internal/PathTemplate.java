package dev.chassis.observability.internal;

import java.util.List;

/**
 * A path template such as {@code /orders/{id}}: literal segments and {@code {name}} segments matching
 * one segment. Immutable. Not part of the API.
 *
 * @param text the template as given
 * @param segments its segments
 */
record PathTemplate(String text, List<String> segments) {
    /**
     * Parses a template.
     *
     * @throws IllegalArgumentException if it does not start with {@code /}
     */
    static PathTemplate parse(String template) {
        if (!template.startsWith("/")) {
            throw new IllegalArgumentException("path template must start with '/': " + template);
        }
        return new PathTemplate(template, split(template));
    }

    boolean matches(String path) {
        List<String> parts = split(path);
        if (parts.size() != segments.size()) {
            return false;
        }
        for (int i = 0; i < parts.size(); i++) {
            String segment = segments.get(i);
            boolean variable = segment.startsWith("{") && segment.endsWith("}");
            if (variable ? parts.get(i).isEmpty() : !segment.equals(parts.get(i))) {
                return false;
            }
        }
        return true;
    }

    private static List<String> split(String path) {
        String trimmed = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        return trimmed.equals("/") ? List.of() : List.of(trimmed.substring(1).split("/", -1));
    }
}
