package dev.chassis.testkit.contract;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.jspecify.annotations.Nullable;

/**
 * Applies one Pact rule set ({@code {"combine":"AND","matchers":[...]}}) to an actual value. Values
 * from headers, query strings, paths and metadata arrive as text ({@code lenient}), so there a
 * number or boolean matcher accepts its textual form. Stateless.
 */
final class RuleCheck {
    private static final Pattern INTEGER = Pattern.compile("-?\\d+");
    private static final Pattern DECIMAL = Pattern.compile("-?\\d*\\.\\d+([eE][-+]?\\d+)?");
    private static final Pattern NUMBER = Pattern.compile("-?(\\d+|\\d*\\.\\d+)([eE][-+]?\\d+)?");
    private static final Pattern SEMVER = Pattern.compile("\\d+\\.\\d+\\.\\d+([-+][0-9A-Za-z.-]+)*");

    private RuleCheck() {
    }

    /** @return the failures (empty if the value satisfies the rule set) */
    static List<String> check(JsonNode ruleSet, JsonNode expected, JsonNode actual, boolean lenient) {
        JsonNode matchers = ruleSet.has("matchers") ? ruleSet.get("matchers") : PactJson.array().add(ruleSet);
        boolean or = "OR".equalsIgnoreCase(ruleSet.path("combine").asText("AND"));
        List<String> failures = new ArrayList<>();
        for (JsonNode matcher : matchers) {
            String failure = one(matcher, expected, actual, lenient);
            if (failure == null && or) {
                return List.of();
            }
            if (failure != null) {
                failures.add(failure);
            }
        }
        return failures;
    }

    /** A short name of the rule set for reports: {@code regex /\d+/}, {@code type min 1}. */
    static String describe(JsonNode ruleSet) {
        JsonNode matchers = ruleSet.has("matchers") ? ruleSet.get("matchers") : PactJson.array().add(ruleSet);
        List<String> parts = new ArrayList<>();
        for (JsonNode m : matchers) {
            StringBuilder b = new StringBuilder(kind(m));
            m.fields().forEachRemaining(f -> {
                if (!f.getKey().equals("match")) {
                    b.append(' ').append(f.getKey()).append('=').append(PactJson.text(f.getValue()));
                }
            });
            parts.add(b.toString());
        }
        return String.join(" " + ruleSet.path("combine").asText("AND") + " ", parts);
    }

    static String kind(JsonNode matcher) {
        if (matcher.has("match")) {
            return matcher.get("match").asText();
        }
        // the V2 form: {"regex": "..."} or {"min": 1} without "match"
        return matcher.has("regex") ? "regex" : "type";
    }

    /** Whether the rule set is one that accepts any array whose elements are like the example's. */
    static boolean isTypeLike(JsonNode ruleSet) {
        JsonNode matchers = ruleSet.has("matchers") ? ruleSet.get("matchers") : PactJson.array().add(ruleSet);
        for (JsonNode m : matchers) {
            String kind = kind(m);
            if (kind.equals("type") || kind.equals("min") || kind.equals("max")) {
                return true;
            }
        }
        return false;
    }

    private static @Nullable String one(JsonNode m, JsonNode expected, JsonNode actual, boolean lenient) {
        String kind = kind(m);
        String text = PactJson.text(actual);
        switch (kind) {
            case "equality":
                return sameValue(expected, actual) ? null : "is not equal to the expected value";
            case "regex":
                return regex(m.path("regex").asText(), actual);
            case "type":
            case "min":
            case "max":
                return type(m, expected, actual);
            case "integer":
                return actual.isIntegralNumber() || (lenient && INTEGER.matcher(text).matches())
                        ? null : "is not an integer";
            case "decimal":
                return actual.isFloatingPointNumber() || (lenient && DECIMAL.matcher(text).matches())
                        ? null : "is not a decimal number";
            case "number":
                return actual.isNumber() || (lenient && NUMBER.matcher(text).matches()) ? null : "is not a number";
            case "boolean":
                return actual.isBoolean() || (lenient && (text.equals("true") || text.equals("false")))
                        ? null : "is not a boolean";
            case "date":
            case "time":
            case "timestamp":
            case "datetime":
                if (!actual.isTextual()) {
                    return "is not a string";
                }
                String format = m.hasNonNull("format") ? m.get("format").asText()
                        : m.hasNonNull(kind) ? m.get(kind).asText() : null;
                return temporal(kind, format, text);
            case "include":
                return text.contains(m.path("value").asText()) ? null
                        : "does not include '" + m.path("value").asText() + "'";
            case "null":
                return actual.isNull() ? null : "is not null";
            case "notEmpty":
                boolean empty = actual.isNull() || (actual.isTextual() && text.isEmpty())
                        || (actual.isContainerNode() && actual.isEmpty());
                return empty ? "is empty" : null;
            case "semver":
                return SEMVER.matcher(text).matches() ? null : "is not a semantic version";
            case "statusCode":
                return status(m.get("status"), actual.asInt());
            default:
                return "uses the matcher '" + kind + "', which this verifier does not support";
        }
    }

    static boolean sameValue(JsonNode expected, JsonNode actual) {
        if (expected.isNumber() && actual.isNumber()) {
            return expected.decimalValue().compareTo(actual.decimalValue()) == 0;
        }
        return expected.equals(actual);
    }

    private static @Nullable String regex(String regex, JsonNode actual) {
        if (actual.isContainerNode() || actual.isNull()) {
            return "is not a string, so the regex cannot match";
        }
        try {
            return Pattern.compile(regex).matcher(PactJson.text(actual)).matches() ? null
                    : "does not match the regex " + regex;
        } catch (PatternSyntaxException e) {
            return "cannot be checked: invalid regex " + regex;
        }
    }

    private static @Nullable String type(JsonNode m, JsonNode expected, JsonNode actual) {
        if (!sameType(expected, actual)) {
            return "is " + typeName(actual) + ", not " + typeName(expected);
        }
        if (actual.isArray()) {
            if (m.has("min") && actual.size() < m.get("min").asInt()) {
                return "has " + actual.size() + " elements, fewer than the minimum " + m.get("min").asInt();
            }
            if (m.has("max") && actual.size() > m.get("max").asInt()) {
                return "has " + actual.size() + " elements, more than the maximum " + m.get("max").asInt();
            }
        }
        return null;
    }

    static boolean sameType(JsonNode expected, JsonNode actual) {
        return typeName(expected).equals(typeName(actual));
    }

    static String typeName(JsonNode node) {
        if (node.isNumber()) {
            return "a number";
        }
        if (node.isTextual()) {
            return "a string";
        }
        if (node.isBoolean()) {
            return "a boolean";
        }
        if (node.isObject()) {
            return "an object";
        }
        if (node.isArray()) {
            return "an array";
        }
        return node.isNull() ? "null" : node.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
    }

    /** @return null if {@code text} parses with {@code format} (ISO when absent), else why not */
    static @Nullable String temporal(@Nullable String format, String text) {
        return temporal("timestamp", format, text);
    }

    private static @Nullable String temporal(String kind, @Nullable String format, String text) {
        DateTimeFormatter formatter;
        try {
            formatter = format != null ? DateTimeFormatter.ofPattern(format)
                    : kind.equals("date") ? DateTimeFormatter.ISO_DATE
                    : kind.equals("time") ? DateTimeFormatter.ISO_TIME : DateTimeFormatter.ISO_DATE_TIME;
        } catch (IllegalArgumentException e) {
            return "cannot be checked: invalid " + kind + " format " + format;
        }
        try {
            formatter.parse(text);
            return null;
        } catch (DateTimeParseException e) {
            return "does not match the " + kind + " format " + (format == null ? "ISO-8601" : format);
        }
    }

    private static @Nullable String status(@Nullable JsonNode status, int actual) {
        if (status == null) {
            return null;
        }
        if (status.isArray()) {
            for (JsonNode code : status) {
                if (code.asInt() == actual) {
                    return null;
                }
            }
            return "is not one of the status codes " + status;
        }
        boolean ok = switch (status.asText()) {
            case "information" -> actual >= 100 && actual < 200;
            case "success" -> actual >= 200 && actual < 300;
            case "redirect" -> actual >= 300 && actual < 400;
            case "clientError" -> actual >= 400 && actual < 500;
            case "serverError" -> actual >= 500 && actual < 600;
            case "nonError" -> actual < 400;
            case "error" -> actual >= 400;
            default -> false;
        };
        return ok ? null : "is not a " + status.asText() + " status";
    }
}
