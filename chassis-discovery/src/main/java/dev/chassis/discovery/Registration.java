package dev.chassis.discovery;

import static java.util.Objects.requireNonNull;

/**
 * What an instance registers: itself and how its health is checked. Immutable.
 *
 * @param instance the instance
 * @param check its health check
 */
public record Registration(ServiceInstance instance, HealthCheckSpec check) {
    /** Checks the components. */
    public Registration {
        requireNonNull(instance, "instance");
        requireNonNull(check, "check");
    }
}
