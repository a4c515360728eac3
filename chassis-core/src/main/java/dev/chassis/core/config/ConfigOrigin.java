package dev.chassis.core.config;

/**
 * Where the effective value of a key came from. Immutable and thread-safe.
 */
public enum ConfigOrigin {
    /** The JVM system property named like the key, e.g. {@code -Dchassis.admin.port=9000}. */
    SYSTEM_PROPERTY,
    /** The environment variable, e.g. {@code CHASSIS_ADMIN_PORT=9000}. */
    ENV,
    /** The default declared with {@link ConfigKey#withDefault(Object)}. */
    DEFAULT,
    /** No value anywhere; only possible for {@linkplain ConfigKey#optional() optional} keys. */
    UNSET
}
