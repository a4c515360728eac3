package dev.chassis.core.config;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A declared configuration key: its name, type, default, and whether it is optional or secret.
 *
 * <p><b>Naming.</b> The name is also the system property name; the environment variable name is the
 * name in upper case with dots and dashes turned into underscores: {@code chassis.admin.port} is read
 * from {@code -Dchassis.admin.port} or {@code CHASSIS_ADMIN_PORT}. Names that are already in
 * environment style, such as {@code RABBITMQ_URL}, are read from a property and a variable of that
 * same name. A system property wins over the environment, which wins over the default.
 *
 * <p><b>Required, default, optional.</b> A key is required unless it has a
 * {@linkplain #withDefault(Object) default} or is {@linkplain #optional() optional}.
 *
 * <p>Keys are immutable values, thread-safe and intended to be held in constants; the modifiers return
 * new keys.
 *
 * <pre>{@code
 * static final ConfigKey<Integer> ADMIN_PORT = ConfigKey.integer("chassis.admin.port", 1, 65535)
 *         .withDefault(8081)
 *         .description("port of the admin HTTP server");
 * static final ConfigKey<URI> DATABASE_URL = ConfigKey.uri("DATABASE_URL").secret();
 * static final ConfigKey<Duration> DRAIN = ConfigKey.duration("chassis.shutdown.drain").optional();
 * }</pre>
 *
 * @param <T> the type of the value
 */
public final class ConfigKey<T> {
    private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9._-]{0,199}");

    private final String name;
    private final String envName;
    private final ValueType<T> type;
    private final @Nullable T defaultValue;
    private final boolean optional;
    private final boolean secret;
    private final String description;

    private ConfigKey(String name, ValueType<T> type, @Nullable T defaultValue, boolean optional, boolean secret,
            String description) {
        this.name = name;
        this.envName = envName(name);
        this.type = type;
        this.defaultValue = defaultValue;
        this.optional = optional;
        this.secret = secret;
        this.description = description;
    }

    private static <T> ConfigKey<T> of(String name, ValueType<T> type) {
        requireNonNull(name, "name");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("name must start with a letter and contain only letters, digits,"
                    + " '.', '_' and '-' (at most 200 characters)");
        }
        return new ConfigKey<>(name, type, null, false, false, "");
    }

    /**
     * A text key. Any text is valid; leading and trailing spaces are kept.
     *
     * @param name the key's name, e.g. {@code chassis.service.name}
     * @return a required key
     * @throws IllegalArgumentException if the name is not made of letters, digits, '.', '_' and '-'
     */
    public static ConfigKey<String> string(String name) {
        return of(name, ValueType.string());
    }

    /**
     * An integer key accepting any {@code int}, written in decimal, e.g. {@code 42} or {@code -1}.
     *
     * @param name the key's name
     * @return a required key
     * @throws IllegalArgumentException if the name is not made of letters, digits, '.', '_' and '-'
     */
    public static ConfigKey<Integer> integer(String name) {
        return of(name, ValueType.integer(Integer.MIN_VALUE, Integer.MAX_VALUE));
    }

    /**
     * An integer key accepting values from {@code min} to {@code max}, both inclusive, e.g. a port
     * with {@code 1, 65535}.
     *
     * @param name the key's name
     * @param min the smallest valid value
     * @param max the largest valid value
     * @return a required key
     * @throws IllegalArgumentException if the name is invalid or {@code min > max}
     */
    public static ConfigKey<Integer> integer(String name, int min, int max) {
        return of(name, ValueType.integer(min, max));
    }

    /**
     * A duration key: a whole number with a unit ({@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h},
     * {@code 1d}) or ISO-8601 ({@code PT30S}, case-insensitive). Negative durations are rejected.
     *
     * @param name the key's name
     * @return a required key
     * @throws IllegalArgumentException if the name is not made of letters, digits, '.', '_' and '-'
     */
    public static ConfigKey<Duration> duration(String name) {
        return of(name, ValueType.duration());
    }

    /**
     * An absolute URI key, e.g. {@code amqp://guest:guest@localhost:5672/}. Passwords in the user
     * part of a URI are masked in the effective configuration even when the key is not secret.
     *
     * @param name the key's name
     * @return a required key
     * @throws IllegalArgumentException if the name is not made of letters, digits, '.', '_' and '-'
     */
    public static ConfigKey<URI> uri(String name) {
        return of(name, ValueType.uri());
    }

    /**
     * A boolean key: {@code true} or {@code false} (case-insensitive) and nothing else, so that
     * {@code yes}, {@code 1} or a typo is an error rather than a silent {@code false}.
     *
     * @param name the key's name
     * @return a required key
     * @throws IllegalArgumentException if the name is not made of letters, digits, '.', '_' and '-'
     */
    public static ConfigKey<Boolean> bool(String name) {
        return of(name, ValueType.bool());
    }

    /**
     * An enum key, matching the constant names case-insensitively, with {@code -} read as {@code _}:
     * {@code round-robin} selects {@code ROUND_ROBIN}.
     *
     * @param name the key's name
     * @param type the enum class
     * @param <E> the enum type
     * @return a required key
     * @throws IllegalArgumentException if the name is not made of letters, digits, '.', '_' and '-'
     */
    public static <E extends Enum<E>> ConfigKey<E> enumeration(String name, Class<E> type) {
        requireNonNull(type, "type");
        return of(name, ValueType.enumeration(type));
    }

    /**
     * This key with a default, used when neither a system property nor an environment variable is set.
     *
     * @param value the default, checked by the same rules as configured values
     * @return a new key
     * @throws IllegalArgumentException if the value breaks the key's rules, e.g. is out of range
     * @throws IllegalStateException if the key is optional
     */
    public ConfigKey<T> withDefault(T value) {
        requireNonNull(value, "value");
        if (optional) {
            throw new IllegalStateException(name + " is optional and so cannot have a default");
        }
        try {
            type.check(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("default of " + name + " must be " + e.getMessage(), e);
        }
        return new ConfigKey<>(name, type, value, false, secret, description);
    }

    /**
     * This key as optional: when no value is set, {@link Config#find(ConfigKey)} is empty rather than
     * {@link Config.Builder#build()} failing.
     *
     * @return a new key
     * @throws IllegalStateException if the key has a default
     */
    public ConfigKey<T> optional() {
        if (defaultValue != null) {
            throw new IllegalStateException(name + " has a default and so cannot be optional");
        }
        return new ConfigKey<>(name, type, null, true, secret, description);
    }

    /**
     * This key as secret: its value is shown as {@value ConfigEntry#MASK} in the effective
     * configuration and never appears in error messages.
     *
     * @return a new key
     */
    public ConfigKey<T> secret() {
        return new ConfigKey<>(name, type, defaultValue, optional, true, description);
    }

    /**
     * This key with a description, shown in the effective configuration and in error messages.
     *
     * @param text what the key is for, e.g. "port of the admin HTTP server"
     * @return a new key
     */
    public ConfigKey<T> description(String text) {
        requireNonNull(text, "text");
        return new ConfigKey<>(name, type, defaultValue, optional, secret, text.strip());
    }

    /**
     * The key's name, which is also its system property name.
     *
     * @return the name, e.g. {@code chassis.admin.port}
     */
    public String name() {
        return name;
    }

    /**
     * The environment variable name: the name in upper case, dots and dashes turned into underscores.
     *
     * @return the variable name, e.g. {@code CHASSIS_ADMIN_PORT}
     */
    public String envName() {
        return envName;
    }

    /**
     * The Java type of the value.
     *
     * @return e.g. {@code Integer.class}, or the enum class
     */
    public Class<T> type() {
        return type.javaType();
    }

    /**
     * The expected format of values, as a phrase for people.
     *
     * @return e.g. "a whole number between 1 and 65535"
     */
    public String format() {
        return type.expected();
    }

    /**
     * The default value.
     *
     * @return the default, or empty if the key has none
     */
    public Optional<T> defaultValue() {
        return Optional.ofNullable(defaultValue);
    }

    /**
     * Whether the key may be left unset.
     *
     * @return {@code true} if {@link #optional()} was applied
     */
    public boolean isOptional() {
        return optional;
    }

    /**
     * Whether the value must never be shown.
     *
     * @return {@code true} if {@link #secret()} was applied
     */
    public boolean isSecret() {
        return secret;
    }

    /**
     * What the key is for.
     *
     * @return the description, empty if none was given
     */
    public String description() {
        return description;
    }

    ValueType<T> valueType() {
        return type;
    }

    /** The environment variable name for a key name: upper case, dots and dashes as underscores. */
    static String envName(String name) {
        return name.replace('.', '_').replace('-', '_').toUpperCase(Locale.ROOT);
    }

    @Override
    public boolean equals(@Nullable Object other) {
        return other instanceof ConfigKey<?> that
                && name.equals(that.name)
                && type.equals(that.type)
                && Objects.equals(defaultValue, that.defaultValue)
                && optional == that.optional
                && secret == that.secret
                && description.equals(that.description);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, type, defaultValue, optional, secret, description);
    }

    /** Shows the name and type, never a secret default. */
    @Override
    public String toString() {
        return "ConfigKey[" + name + ", " + type.name()
                + (optional ? ", optional" : defaultValue == null ? ", required" : ", with default")
                + (secret ? ", secret" : "") + "]";
    }
}
