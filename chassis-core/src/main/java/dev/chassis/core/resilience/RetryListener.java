package dev.chassis.core.resilience;

import java.time.Duration;

/**
 * Told about each retry a {@link Retry} schedules. The only method has a no-op default.
 *
 * <p>Runs on the thread that saw the failed attempt (the caller for synchronous calls, the thread
 * completing the attempt for asynchronous ones), before the delay starts. Keep it short; an
 * exception it throws is ignored. Implementations must be thread-safe.
 */
public interface RetryListener {
    /**
     * A retry was scheduled.
     *
     * @param name the {@link Resilience} policy's name
     * @param failedAttempts how many attempts have failed so far (1 before the first retry)
     * @param delay the delay before the next attempt, jitter included
     * @param failure the failure of the latest attempt
     */
    default void onRetry(String name, int failedAttempts, Duration delay, Throwable failure) {
    }
}
