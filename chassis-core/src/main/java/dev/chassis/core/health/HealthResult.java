package dev.chassis.core.health;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The outcome of one check: a status, optional details (written to JSON as they are) and, when
 * DOWN, an error message. Immutable.
 *
 * <pre>{@code
 * return HealthResult.up(Map.of("pool.active", 3));
 * return HealthResult.down("broker connection closed");
 * }</pre>
 *
 * @param status UP or DOWN
 * @param details extra facts, e.g. {@code {"database": "PostgreSQL"}}; values must be JSON-writable
 * @param error what went wrong, or {@code null}
 */
public record HealthResult(HealthStatus status, Map<String, Object> details, @Nullable String error) {

    /** Checks and copies the components, keeping the order of {@code details}. */
    public HealthResult {
        requireNonNull(status, "status");
        requireNonNull(details, "details");
        details.forEach((key, value) -> {
            requireNonNull(key, "details key");
            requireNonNull(value, () -> "details value of '" + key + "'");
        });
        details = Collections.unmodifiableMap(new LinkedHashMap<>(details));
    }

    /**
     * UP without details.
     *
     * @return the result
     */
    public static HealthResult up() {
        return new HealthResult(HealthStatus.UP, Map.of(), null);
    }

    /**
     * UP with details.
     *
     * @param details extra facts
     * @return the result
     */
    public static HealthResult up(Map<String, ?> details) {
        return new HealthResult(HealthStatus.UP, copy(details), null);
    }

    /**
     * DOWN with an error message.
     *
     * @param error what went wrong
     * @return the result
     */
    public static HealthResult down(String error) {
        return new HealthResult(HealthStatus.DOWN, Map.of(), requireNonNull(error, "error"));
    }

    /**
     * DOWN with an error message and details.
     *
     * @param error what went wrong
     * @param details extra facts
     * @return the result
     */
    public static HealthResult down(String error, Map<String, ?> details) {
        return new HealthResult(HealthStatus.DOWN, copy(details), requireNonNull(error, "error"));
    }

    /**
     * Tells whether the status is UP.
     *
     * @return {@code true} when UP
     */
    public boolean isUp() {
        return status == HealthStatus.UP;
    }

    /**
     * The error message.
     *
     * @return the error, or empty when none was given
     */
    public Optional<String> errorMessage() {
        return Optional.ofNullable(error);
    }

    Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("status", status.name());
        if (!details.isEmpty()) {
            json.put("details", details);
        }
        if (error != null) {
            json.put("error", error);
        }
        return json;
    }

    private static Map<String, Object> copy(Map<String, ?> details) {
        return new LinkedHashMap<>(requireNonNull(details, "details"));
    }
}
