package dev.chassis.testkit.contract;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.format.DateTimeFormatter;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.jspecify.annotations.Nullable;

/**
 * Factories for {@link Matcher}s, one per Pact matching rule: type, equality, regex, integer,
 * decimal, number, boolean, date, time, timestamp, include and arrays with a minimum and/or maximum
 * length. Rules apply to the value they are placed at and, where nothing more specific is declared,
 * to everything inside it (a {@link #like} on an object matches every field by type).
 *
 * <pre>{@code
 * Map<String, Object> body = Map.of(
 *         "id", Matchers.integer(42),
 *         "name", Matchers.like("Ada"),
 *         "createdAt", Matchers.timestamp("yyyy-MM-dd'T'HH:mm:ss", "2024-05-01T10:15:30"),
 *         "items", Matchers.eachLike(Map.of("sku", Matchers.regex("[A-Z]{3}-\\d+", "ABC-1"))));
 * }</pre>
 *
 * <p>Stateless; all methods are thread-safe.
 */
public final class Matchers {
    private Matchers() {
    }

    /**
     * Any value of the example's JSON type; objects and arrays are matched field by field by type.
     *
     * @param example the example value (a string, number, boolean, map, list or record)
     * @return the matcher
     */
    public static Matcher like(Object example) {
        requireNonNull(example, "example");
        return new Matcher(rule("type"), example, 0);
    }

    /**
     * Exactly the example value, also where an enclosing matcher would accept any value of its type.
     *
     * @param example the value expected
     * @return the matcher
     */
    public static Matcher equalTo(Object example) {
        requireNonNull(example, "example");
        return new Matcher(rule("equality"), example, 0);
    }

    /**
     * A string that the regular expression matches as a whole.
     *
     * @param regex a Java regular expression
     * @param example an example that the expression matches
     * @return the matcher
     * @throws IllegalArgumentException if the expression is invalid or does not match the example
     */
    public static Matcher regex(String regex, String example) {
        requireNonNull(regex, "regex");
        requireNonNull(example, "example");
        try {
            if (!Pattern.compile(regex).matcher(example).matches()) {
                throw new IllegalArgumentException("regex " + regex + " does not match its example '" + example
                        + "'; give an example the expression matches");
            }
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("invalid regex " + regex + ": " + e.getDescription(), e);
        }
        return new Matcher(rule("regex").put("regex", regex), example, 0);
    }

    /**
     * Any whole number.
     *
     * @param example the example
     * @return the matcher
     */
    public static Matcher integer(long example) {
        return new Matcher(rule("integer"), example, 0);
    }

    /**
     * Any number with a fractional part.
     *
     * @param example the example
     * @return the matcher
     */
    public static Matcher decimal(double example) {
        return new Matcher(rule("decimal"), example, 0);
    }

    /**
     * Any number, whole or not.
     *
     * @param example the example
     * @return the matcher
     */
    public static Matcher number(Number example) {
        requireNonNull(example, "example");
        return new Matcher(rule("number"), example, 0);
    }

    /**
     * Any boolean.
     *
     * @param example the example
     * @return the matcher
     */
    public static Matcher bool(boolean example) {
        return new Matcher(rule("boolean"), example, 0);
    }

    /**
     * A string that parses as a date in the given format.
     *
     * @param format a {@link DateTimeFormatter} pattern, for example {@code yyyy-MM-dd}
     * @param example an example in that format
     * @return the matcher
     * @throws IllegalArgumentException if the example does not parse with the format
     */
    public static Matcher date(String format, String example) {
        return temporal("date", format, example);
    }

    /**
     * A string that parses as a time in the given format.
     *
     * @param format a {@link DateTimeFormatter} pattern, for example {@code HH:mm:ss}
     * @param example an example in that format
     * @return the matcher
     * @throws IllegalArgumentException if the example does not parse with the format
     */
    public static Matcher time(String format, String example) {
        return temporal("time", format, example);
    }

    /**
     * A string that parses as a date and time in the given format.
     *
     * @param format a {@link DateTimeFormatter} pattern, for example {@code yyyy-MM-dd'T'HH:mm:ssXXX}
     * @param example an example in that format
     * @return the matcher
     * @throws IllegalArgumentException if the example does not parse with the format
     */
    public static Matcher timestamp(String format, String example) {
        return temporal("timestamp", format, example);
    }

    /**
     * A string that contains the given text.
     *
     * @param value the text the actual string must contain
     * @param example an example containing it
     * @return the matcher
     * @throws IllegalArgumentException if the example does not contain the value
     */
    public static Matcher includes(String value, String example) {
        requireNonNull(value, "value");
        requireNonNull(example, "example");
        if (!example.contains(value)) {
            throw new IllegalArgumentException("example '" + example + "' does not contain '" + value + "'");
        }
        return new Matcher(rule("include").put("value", value), example, 0);
    }

    /**
     * An array (possibly empty) whose every element is like the example.
     *
     * @param element the example element; matchers inside it apply to every element
     * @return the matcher
     */
    public static Matcher eachLike(Object element) {
        return array(null, null, element);
    }

    /**
     * An array of at least {@code min} elements, each like the example.
     *
     * @param min the minimum length, at least 0
     * @param element the example element
     * @return the matcher
     */
    public static Matcher minArrayLike(int min, Object element) {
        return array(min, null, element);
    }

    /**
     * An array of at most {@code max} elements, each like the example.
     *
     * @param max the maximum length, at least 1
     * @param element the example element
     * @return the matcher
     */
    public static Matcher maxArrayLike(int max, Object element) {
        return array(null, max, element);
    }

    /**
     * An array of {@code min} to {@code max} elements, each like the example.
     *
     * @param min the minimum length, at least 0
     * @param max the maximum length, at least {@code min} and 1
     * @param element the example element
     * @return the matcher
     */
    public static Matcher arrayLike(int min, int max, Object element) {
        return array(min, max, element);
    }

    private static Matcher array(@Nullable Integer min, @Nullable Integer max, Object element) {
        requireNonNull(element, "element");
        if (min != null && min < 0) {
            throw new IllegalArgumentException("min must be at least 0, was " + min);
        }
        if (max != null && (max < 1 || (min != null && max < min))) {
            throw new IllegalArgumentException("max must be at least 1 and at least min, was " + max);
        }
        ObjectNode rule = rule("type");
        if (min != null) {
            rule.put("min", min);
        }
        if (max != null) {
            rule.put("max", max);
        }
        return new Matcher(rule, element, Math.max(1, min == null ? 1 : min));
    }

    private static Matcher temporal(String kind, String format, String example) {
        requireNonNull(format, "format");
        requireNonNull(example, "example");
        String problem = RuleCheck.temporal(format, example);
        if (problem != null) {
            throw new IllegalArgumentException(kind + " example '" + example + "': " + problem);
        }
        return new Matcher(rule(kind).put("format", format), example, 0);
    }

    private static ObjectNode rule(String match) {
        return PactJson.object().put("match", match);
    }
}
