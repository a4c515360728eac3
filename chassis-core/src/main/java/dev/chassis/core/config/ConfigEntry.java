package dev.chassis.core.config;

import static java.util.Objects.requireNonNull;

import org.jspecify.annotations.Nullable;

/**
 * One line of the effective configuration: a declared key, its value as text and where it came from.
 * The value of a secret key is always {@value #MASK}; passwords in URIs are masked too. Immutable and
 * thread-safe.
 *
 * @param key the key's name, which is also its system property name
 * @param env the key's environment variable name
 * @param value the effective value as text, masked if secret, or {@code null} if unset
 * @param origin where the value came from
 * @param secret whether the key is secret
 * @param description what the key is for, empty if not described
 */
public record ConfigEntry(
        String key, String env, @Nullable String value, ConfigOrigin origin, boolean secret, String description) {

    /** What is shown instead of a secret value. */
    public static final String MASK = "******";

    /** Checks the components. */
    public ConfigEntry {
        requireNonNull(key, "key");
        requireNonNull(env, "env");
        requireNonNull(origin, "origin");
        requireNonNull(description, "description");
        if (secret && value != null && !MASK.equals(value)) {
            throw new IllegalArgumentException("value of a secret entry must be masked");
        }
    }
}
