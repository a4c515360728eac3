package dev.chassis.core.health;

/**
 * Whether a check, or a whole report, is healthy. Written to JSON by its name. Immutable.
 */
public enum HealthStatus {
    /** Healthy; the endpoint answers 200. */
    UP,
    /** Unhealthy, timed out or failed; the endpoint answers 503. */
    DOWN
}
