package dev.chassis.core.resilience;

/**
 * A call that returns a value and may throw a checked exception, as run by
 * {@link Resilience#call(CheckedCallable)}. Implementations must be safe to call again when retried.
 *
 * @param <T> the result type
 * @param <X> the checked exception the call may throw; inferred, {@link RuntimeException} if none
 */
@FunctionalInterface
public interface CheckedCallable<T, X extends Exception> {
    /**
     * Makes the call.
     *
     * @return the result
     * @throws X when the call fails
     */
    T call() throws X;
}
