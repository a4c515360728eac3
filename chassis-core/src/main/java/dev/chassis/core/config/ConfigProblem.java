package dev.chassis.core.config;

import static java.util.Objects.requireNonNull;

import java.io.Serializable;

/**
 * One problem found while building a {@link Config}: which key, what kind of problem, and a message
 * that says what to fix. The message never contains the value of a secret key. Immutable and
 * thread-safe.
 *
 * @param key the declared key's name, or for an unknown key the name as found, with control and
 *     non-ASCII characters escaped
 * @param kind what kind of problem it is
 * @param message what is wrong and what to fix, starting with the key's name
 */
public record ConfigProblem(String key, Kind kind, String message) implements Serializable {

    /** The kinds of configuration problems. Immutable and thread-safe. */
    public enum Kind {
        /** A required key has no value and no default. */
        MISSING,
        /** A value is present but cannot be read as the key's type, or is out of range. */
        MALFORMED,
        /** A {@code chassis.*} system property or {@code CHASSIS_*} environment variable that no key declares. */
        UNKNOWN
    }

    /** Checks the components. */
    public ConfigProblem {
        requireNonNull(key, "key");
        requireNonNull(kind, "kind");
        requireNonNull(message, "message");
    }
}
