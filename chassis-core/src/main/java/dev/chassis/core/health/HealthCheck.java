package dev.chassis.core.health;

import static java.util.Objects.requireNonNull;

import java.util.regex.Pattern;

/**
 * A named probe of one dependency or internal condition. The name is the key in the JSON report.
 * Immutable; the probe is called from the registry's threads, one run at a time per check.
 *
 * <pre>{@code
 * HealthCheck broker = HealthCheck.readiness("rabbitmq",
 *         () -> connection.isOpen() ? HealthResult.up() : HealthResult.down("connection closed"));
 * HealthCheck loop = HealthCheck.liveness("event-loop",
 *         () -> HealthResult.up(Map.of("lagMs", loopLag.toMillis())));
 * }</pre>
 *
 * @param name the check's name: letters, digits, {@code .}, {@code _}, {@code -}
 * @param kind whether it counts for liveness or readiness
 * @param probe the probe
 */
public record HealthCheck(String name, Kind kind, Probe probe) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]+");

    /**
     * Which endpoint a check counts for.
     */
    public enum Kind {
        /**
         * Counts for {@code GET /health}. A failing liveness check makes the orchestrator restart
         * the process, so use it only for conditions a restart fixes (a deadlocked loop), never for
         * external systems.
         */
        LIVENESS,
        /**
         * Counts for {@code GET /ready}. A failing readiness check takes the instance out of load
         * balancing until it recovers: databases, brokers, registries.
         */
        READINESS
    }

    /**
     * Probes once. Implementations should return quickly; the registry abandons a probe that takes
     * longer than its timeout and reports it DOWN.
     */
    @FunctionalInterface
    public interface Probe {
        /**
         * Probes the dependency.
         *
         * @return the result
         * @throws Exception any failure; reported DOWN with the exception's class and message
         */
        HealthResult check() throws Exception;
    }

    /** Checks the components. */
    public HealthCheck {
        requireNonNull(name, "name");
        requireNonNull(kind, "kind");
        requireNonNull(probe, "probe");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(
                    "name must consist of letters, digits, '.', '_' and '-', was '" + name + "'");
        }
    }

    /**
     * A liveness check.
     *
     * @param name the check's name
     * @param probe the probe
     * @return the check
     */
    public static HealthCheck liveness(String name, Probe probe) {
        return new HealthCheck(name, Kind.LIVENESS, probe);
    }

    /**
     * A readiness check.
     *
     * @param name the check's name
     * @param probe the probe
     * @return the check
     */
    public static HealthCheck readiness(String name, Probe probe) {
        return new HealthCheck(name, Kind.READINESS, probe);
    }
}
