package dev.chassis.core.resilience;

/**
 * A call without a result that may throw a checked exception, as run by
 * {@link Resilience#run(CheckedRunnable)}. Implementations must be safe to call again when retried.
 *
 * @param <X> the checked exception the call may throw; inferred, {@link RuntimeException} if none
 */
@FunctionalInterface
public interface CheckedRunnable<X extends Exception> {
    /**
     * Makes the call.
     *
     * @throws X when the call fails
     */
    void run() throws X;
}
