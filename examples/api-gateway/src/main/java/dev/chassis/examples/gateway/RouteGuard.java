package dev.chassis.examples.gateway;

import dev.chassis.core.resilience.Resilience;

/**
 * A route with the resilience policies of its service: one circuit breaker per route, named
 * {@code gateway/<prefix>}.
 *
 * <p>Immutable and thread-safe.
 */
record RouteGuard(Route route, Resilience resilience) {
}
