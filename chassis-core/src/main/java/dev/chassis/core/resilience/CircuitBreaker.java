package dev.chassis.core.resilience;

import static java.util.Objects.requireNonNull;

import java.time.Clock;

/**
 * Stops calling a dependency that keeps failing, and lets a few probe calls find out when it has
 * recovered. A breaker protects calls when it is part of a {@link Resilience}; the same breaker may
 * be shared by several {@code Resilience} instances that call the same dependency.
 *
 * <p>States: {@link State#CLOSED} admits every call and records its outcome in a count-based
 * sliding window; once the window holds {@link CircuitBreakerConfig#minimumCalls()} outcomes and
 * the failure rate reaches {@link CircuitBreakerConfig#failureRateThreshold()} the breaker becomes
 * {@link State#OPEN} and rejects calls with {@link CircuitOpenException}. After
 * {@link CircuitBreakerConfig#openDuration()} (measured on the breaker's {@link Clock}) the next call
 * moves it to {@link State#HALF_OPEN}, which admits {@link CircuitBreakerConfig#halfOpenPermits()}
 * probes: all succeed and it closes, one fails and it opens again. Every call through a breaker is
 * bounded by {@link CircuitBreakerConfig#timeout()}; a probe that exceeds it counts as a failure and
 * frees its permit even if the call itself never returns.
 *
 * <p>Bulkhead rejections are not recorded (they say nothing about the dependency's health); every
 * other exception is a failure. State changes are logged through SLF4J (logger
 * {@code dev.chassis.core.resilience.CircuitBreaker}) and published to
 * {@linkplain #events() listeners}.
 *
 * <pre>{@code
 * CircuitBreaker breaker = CircuitBreaker.ofDefaults("payments");
 * breaker.events().onStateChange(change -> log.info("{}", change));
 * }</pre>
 *
 * <p>Instances are thread-safe and intended to be shared; named instances usually live in a
 * {@link CircuitBreakerRegistry}.
 */
public sealed interface CircuitBreaker permits DefaultCircuitBreaker {
    /** The states of a breaker. */
    enum State {
        /** Calls pass and are recorded. */
        CLOSED,
        /** Calls are rejected until the open duration has passed. */
        OPEN,
        /** A limited number of probe calls pass; their outcomes decide between closed and open. */
        HALF_OPEN
    }

    /**
     * A breaker with the {@linkplain CircuitBreakerConfig#ofDefaults() default configuration} on the
     * system UTC clock.
     *
     * @param name the breaker's name, shown in logs, errors and the admin routes
     * @return a new, closed breaker
     */
    static CircuitBreaker ofDefaults(String name) {
        return of(name, CircuitBreakerConfig.ofDefaults(), Clock.systemUTC());
    }

    /**
     * A breaker on the system UTC clock.
     *
     * @param name the breaker's name
     * @param config its configuration
     * @return a new, closed breaker
     */
    static CircuitBreaker of(String name, CircuitBreakerConfig config) {
        return of(name, config, Clock.systemUTC());
    }

    /**
     * A breaker that measures its open duration on the given clock.
     *
     * @param name the breaker's name
     * @param config its configuration
     * @param clock the clock for the open duration and event timestamps
     * @return a new, closed breaker
     */
    static CircuitBreaker of(String name, CircuitBreakerConfig config, Clock clock) {
        requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("name must not be blank");
        }
        return new DefaultCircuitBreaker(name, requireNonNull(config, "config"), requireNonNull(clock, "clock"));
    }

    /**
     * The breaker's name.
     *
     * @return the name given at creation
     */
    String name();

    /**
     * The breaker's configuration.
     *
     * @return the configuration
     */
    CircuitBreakerConfig config();

    /**
     * The current state. An open breaker whose open duration has passed still reports
     * {@link State#OPEN} until the next call asks for a permit.
     *
     * @return the state
     */
    State state();

    /**
     * A snapshot of the sliding window.
     *
     * @return the metrics
     */
    CircuitBreakerMetrics metrics();

    /**
     * Where listeners register.
     *
     * @return the breaker's events
     */
    CircuitBreakerEvents events();

    /**
     * Closes the breaker and clears its window, e.g. after an operator fixed the dependency. Calls
     * still running are not recorded.
     */
    void reset();
}
