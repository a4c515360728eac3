package dev.chassis.core.config;

import java.math.BigInteger;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * How one type of configuration value is read from text and shown as text. Parse failures carry only
 * the expected format, never the input, so that no caller can leak a secret by printing them.
 */
final class ValueType<T> {
    private static final Pattern WHOLE_NUMBER = Pattern.compile("[+-]?[0-9]+");
    private static final Pattern SHORT_DURATION = Pattern.compile("([0-9]{1,18})(ms|s|m|h|d)");
    private static final String DURATION_FORMAT =
            "a duration such as 500ms, 30s, 2m, 1h, 1d or ISO-8601 PT30S, not negative";

    private final Class<T> javaType;
    private final String name;
    private final String expected;
    private final Function<String, T> parser;
    private final Function<T, String> formatter;
    private final Function<T, T> checker;

    private ValueType(Class<T> javaType, String name, String expected, Function<String, T> parser,
            Function<T, String> formatter, Function<T, T> checker) {
        this.javaType = javaType;
        this.name = name;
        this.expected = expected;
        this.parser = parser;
        this.formatter = formatter;
        this.checker = checker;
    }

    static ValueType<String> string() {
        return new ValueType<>(String.class, "string", "any text", text -> text, text -> text, value -> value);
    }

    static ValueType<Integer> integer(int min, int max) {
        if (min > max) {
            throw new IllegalArgumentException("min must be <= max, was " + min + " > " + max);
        }
        String expected = "a whole number between " + min + " and " + max;
        Function<Integer, Integer> checker = value -> {
            if (value < min || value > max) {
                throw new IllegalArgumentException(expected);
            }
            return value;
        };
        return new ValueType<>(Integer.class, "integer", expected, text -> {
            String trimmed = text.trim();
            if (!WHOLE_NUMBER.matcher(trimmed).matches()) {
                throw new IllegalArgumentException(expected);
            }
            BigInteger number = new BigInteger(trimmed);
            if (number.compareTo(BigInteger.valueOf(min)) < 0 || number.compareTo(BigInteger.valueOf(max)) > 0) {
                throw new IllegalArgumentException(expected);
            }
            return number.intValue();
        }, String::valueOf, checker);
    }

    static ValueType<Duration> duration() {
        Function<Duration, Duration> checker = value -> {
            if (value.isNegative()) {
                throw new IllegalArgumentException(DURATION_FORMAT);
            }
            return value;
        };
        return new ValueType<>(Duration.class, "duration", DURATION_FORMAT,
                text -> checker.apply(parseDuration(text.trim())), ValueType::formatDuration, checker);
    }

    static ValueType<URI> uri() {
        String expected = "an absolute URI such as scheme://host:port/path";
        Function<URI, URI> checker = value -> {
            if (!value.isAbsolute()) {
                throw new IllegalArgumentException(expected);
            }
            return value;
        };
        return new ValueType<>(URI.class, "uri", expected, text -> {
            try {
                return checker.apply(new URI(text.trim()));
            } catch (URISyntaxException e) {
                // the exception's message repeats the input, which may be a secret: drop it
                throw new IllegalArgumentException(expected);
            }
        }, URI::toString, checker);
    }

    static ValueType<Boolean> bool() {
        String expected = "true or false";
        return new ValueType<>(Boolean.class, "boolean", expected, text -> {
            String trimmed = text.trim();
            if (trimmed.equalsIgnoreCase("true")) {
                return Boolean.TRUE;
            }
            if (trimmed.equalsIgnoreCase("false")) {
                return Boolean.FALSE;
            }
            throw new IllegalArgumentException(expected);
        }, String::valueOf, value -> value);
    }

    static <E extends Enum<E>> ValueType<E> enumeration(Class<E> type) {
        E[] constants = type.getEnumConstants();
        String expected = "one of " + Arrays.stream(constants).map(Enum::name).collect(Collectors.joining(", "))
                + " (case-insensitive)";
        return new ValueType<>(type, "enum " + type.getSimpleName(), expected, text -> {
            String wanted = text.trim().replace('-', '_');
            for (E constant : constants) {
                if (constant.name().equalsIgnoreCase(wanted)) {
                    return constant;
                }
            }
            throw new IllegalArgumentException(expected);
        }, Enum::name, value -> value);
    }

    Class<T> javaType() {
        return javaType;
    }

    String name() {
        return name;
    }

    /** The expected format, as a phrase: "a whole number between 1 and 65535". */
    String expected() {
        return expected;
    }

    /**
     * Reads a value.
     *
     * @throws IllegalArgumentException whose message is {@link #expected()} and never the input
     */
    T parse(String text) {
        return parser.apply(text);
    }

    String format(T value) {
        return formatter.apply(value);
    }

    /** Checks a default value against the same rules as parsed values. */
    T check(T value) {
        if (!javaType.isInstance(value)) {
            throw new IllegalArgumentException("expected a " + javaType.getName());
        }
        return checker.apply(value);
    }

    private static Duration parseDuration(String text) {
        Matcher m = SHORT_DURATION.matcher(text);
        try {
            if (m.matches()) {
                long amount = Long.parseLong(m.group(1));
                switch (m.group(2)) {
                    case "ms": return Duration.ofMillis(amount);
                    case "s": return Duration.ofSeconds(amount);
                    case "m": return Duration.ofMinutes(amount);
                    case "h": return Duration.ofHours(amount);
                    default: return Duration.ofDays(amount);
                }
            }
            if (text.startsWith("P") || text.startsWith("p")) {
                return Duration.parse(text.toUpperCase(Locale.ROOT));
            }
        } catch (DateTimeParseException | ArithmeticException e) {
            // fall through: the exception's message repeats the input
        }
        throw new IllegalArgumentException(DURATION_FORMAT);
    }

    /** Shows a duration in the short form where it is exact ("30s", "500ms"), else as ISO-8601. */
    static String formatDuration(Duration value) {
        if (value.isZero()) {
            return "0s";
        }
        if (value.getNano() % 1_000_000 != 0) {
            return value.toString();
        }
        long millis;
        try {
            millis = value.toMillis();
        } catch (ArithmeticException e) {
            return value.toString();
        }
        if (millis % 86_400_000L == 0) {
            return millis / 86_400_000L + "d";
        }
        if (millis % 3_600_000L == 0) {
            return millis / 3_600_000L + "h";
        }
        if (millis % 60_000L == 0) {
            return millis / 60_000L + "m";
        }
        if (millis % 1_000L == 0) {
            return millis / 1_000L + "s";
        }
        return millis + "ms";
    }

    @Override
    public boolean equals(@Nullable Object other) {
        return other instanceof ValueType<?> that && javaType == that.javaType && expected.equals(that.expected);
    }

    @Override
    public int hashCode() {
        return Objects.hash(javaType, expected);
    }
}
