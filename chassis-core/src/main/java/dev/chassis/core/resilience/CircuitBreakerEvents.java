package dev.chassis.core.resilience;

import static java.util.Objects.requireNonNull;

import java.util.function.Consumer;

/**
 * Registers listeners for a {@link CircuitBreaker}'s events. See {@link CircuitBreakerListener} for
 * the thread a listener runs on. Instances are thread-safe.
 *
 * <pre>{@code
 * breaker.events().onStateChange(change -> alerts.send(change.breakerName() + " is " + change.to()));
 * }</pre>
 */
public interface CircuitBreakerEvents {
    /**
     * Adds a listener for all events.
     *
     * @param listener the listener
     */
    void addListener(CircuitBreakerListener listener);

    /**
     * Removes a listener added before; does nothing if it was not added.
     *
     * @param listener the listener
     */
    void removeListener(CircuitBreakerListener listener);

    /**
     * Adds a listener for state changes only.
     *
     * @param listener called with every state change
     * @return the registered listener, for {@link #removeListener(CircuitBreakerListener)}
     */
    default CircuitBreakerListener onStateChange(Consumer<StateChange> listener) {
        requireNonNull(listener, "listener");
        CircuitBreakerListener adapter = new CircuitBreakerListener() {
            @Override
            public void onStateChange(StateChange change) {
                listener.accept(change);
            }
        };
        addListener(adapter);
        return adapter;
    }
}
