package dev.chassis.core.resilience;

/**
 * Receives a {@link CircuitBreaker}'s events. Every method has a no-op default, so implement only
 * what you need.
 *
 * <p>Methods run synchronously on the thread that caused the event: the caller whose call outcome
 * or permit request changed the state, the thread calling {@link CircuitBreaker#reset()}, or a JDK
 * timer thread when a probe's timeout expires. Keep them short and non-blocking; an exception they
 * throw is logged and otherwise ignored. Implementations must be thread-safe.
 */
public interface CircuitBreakerListener {
    /**
     * The breaker changed state.
     *
     * @param change what changed, and when
     */
    default void onStateChange(StateChange change) {
    }

    /**
     * The breaker rejected a call.
     *
     * @param rejection the exception the caller receives
     */
    default void onCallRejected(CircuitOpenException rejection) {
    }
}
