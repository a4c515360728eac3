package dev.chassis.core.resilience;

import static java.util.Objects.requireNonNull;

import dev.chassis.core.RetryableException;
import java.time.Duration;

/**
 * A call was rejected without being attempted because its circuit breaker is open, or half-open
 * with all probe permits taken. Retryable: the breaker admits calls again after its open duration.
 * Instances are immutable once thrown.
 */
public final class CircuitOpenException extends RetryableException {
    private static final long serialVersionUID = 1L;

    private final String breakerName;
    private final Duration retryAfter;

    /**
     * @param breakerName the name of the breaker that rejected the call
     * @param retryAfter how long until the breaker admits a probe; zero while half-open
     */
    public CircuitOpenException(String breakerName, Duration retryAfter) {
        super("circuit breaker '" + requireNonNull(breakerName, "breakerName") + "' is open; retry after "
                + requireNonNull(retryAfter, "retryAfter"));
        this.breakerName = breakerName;
        this.retryAfter = retryAfter;
    }

    /**
     * The breaker that rejected the call.
     *
     * @return its name
     */
    public String breakerName() {
        return breakerName;
    }

    /**
     * How long until the breaker admits a probe call, as seen when the call was rejected.
     *
     * @return the remaining open duration, zero while half-open
     */
    public Duration retryAfter() {
        return retryAfter;
    }
}
