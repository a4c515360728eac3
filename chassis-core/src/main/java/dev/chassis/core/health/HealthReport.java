package dev.chassis.core.health;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The combined outcome of the liveness or readiness checks: UP when every check is UP (and, for
 * readiness, the service is not shutting down). Immutable.
 *
 * <p>Its {@linkplain #toJson() JSON form}:
 * <pre>{@code
 * {"status":"DOWN","checks":{"db":{"status":"UP","details":{"database":"PostgreSQL"}},
 *                            "broker":{"status":"DOWN","error":"timed out after 2000 ms"}}}
 * {"status":"DOWN","reason":"shutting down","checks":{}}
 * }</pre>
 *
 * @param status UP or DOWN
 * @param checks each check's result by name, in registration order
 * @param reason why the report is DOWN regardless of its checks, or {@code null}
 */
public record HealthReport(HealthStatus status, Map<String, HealthResult> checks, @Nullable String reason) {

    /** Checks and copies the components, keeping the order of {@code checks}. */
    public HealthReport {
        requireNonNull(status, "status");
        checks = Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(checks, "checks")));
    }

    /**
     * A report whose status follows its checks: UP when all are UP, including when there are none.
     *
     * @param checks each check's result by name
     * @return the report
     */
    public static HealthReport of(Map<String, HealthResult> checks) {
        boolean up = requireNonNull(checks, "checks").values().stream().allMatch(HealthResult::isUp);
        return new HealthReport(up ? HealthStatus.UP : HealthStatus.DOWN, checks, null);
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
     * Why the report is DOWN regardless of its checks, e.g. {@code "shutting down"}.
     *
     * @return the reason, or empty
     */
    public Optional<String> downReason() {
        return Optional.ofNullable(reason);
    }

    /**
     * The HTTP status the endpoints answer with.
     *
     * @return 200 when UP, 503 when DOWN
     */
    public int httpStatus() {
        return isUp() ? 200 : 503;
    }

    /**
     * The JSON form as maps, lists and strings, ready for {@link dev.chassis.core.json.JsonCodec}.
     *
     * @return a new mutable map in the documented key order
     */
    public Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("status", status.name());
        if (reason != null) {
            json.put("reason", reason);
        }
        Map<String, Object> byName = new LinkedHashMap<>();
        checks.forEach((name, result) -> byName.put(name, result.toJson()));
        json.put("checks", byName);
        return json;
    }
}
