package dev.chassis.core.resilience;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * One state transition of a {@link CircuitBreaker}, as passed to
 * {@link CircuitBreakerListener#onStateChange(StateChange)}. Immutable.
 *
 * @param breakerName the breaker's name
 * @param from the state before
 * @param to the state after
 * @param at when it happened, on the breaker's clock
 */
public record StateChange(String breakerName, CircuitBreaker.State from, CircuitBreaker.State to, Instant at) {
    /** Checks the components. */
    public StateChange {
        requireNonNull(breakerName, "breakerName");
        requireNonNull(from, "from");
        requireNonNull(to, "to");
        requireNonNull(at, "at");
    }
}
