package dev.chassis.core.resilience;

/**
 * A snapshot of a {@link CircuitBreaker}'s sliding window. Immutable.
 *
 * <p>The window describes calls made while the breaker was closed; it is cleared when the breaker
 * closes, and kept while it is open or half-open so that it shows why the breaker opened.
 *
 * @param state the breaker's state when the snapshot was taken
 * @param bufferedCalls how many call outcomes the window holds
 * @param failedCalls how many of them are failures
 * @param failureRate {@code failedCalls} as a percentage of {@code bufferedCalls}, 0 when empty
 */
public record CircuitBreakerMetrics(CircuitBreaker.State state, int bufferedCalls, int failedCalls, double failureRate) {
}
