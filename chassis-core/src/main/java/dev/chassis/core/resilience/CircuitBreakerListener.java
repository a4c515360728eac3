package dev.chassis.core.resilience;

/**
 * Receives a {@link CircuitBreaker}'s events. Every method has a no-op default, so implement only
 * what you need.
 *
 * <p>Methods run synchronously on the thread that caused the event: the caller whose call outcome
 * or permit request changed the state, the thread calling {@link CircuitBreaker#reset()}, or the
 * JDK's asynchronous pool thread that settles a probe whose timeout expired
 * ({@link java.util.concurrent.CompletableFuture#delayedExecutor}). They are called after the
 * breaker's lock is released, so changes caused by different threads at nearly the same time may
 * arrive out of order; {@link StateChange#at()} and {@link CircuitBreaker#state()} tell the truth.
 * Keep them short and non-blocking; an exception they throw is logged and otherwise ignored.
 * Implementations must be thread-safe.
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
