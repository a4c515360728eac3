package dev.chassis.core;

import org.jspecify.annotations.Nullable;

/**
 * A failure that may go away if the same operation is tried again: a broker or database that is
 * down, a timeout, a lock conflict, an open circuit breaker.
 *
 * <p>Thrown from a message handler, it asks for redelivery after backoff. Instances are immutable
 * once thrown.
 *
 * <pre>{@code
 * throw new RetryableException("payment gateway busy");
 * }</pre>
 */
public class RetryableException extends ChassisException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what failed, for people reading logs
     */
    public RetryableException(String message) {
        super(message, null);
    }

    /**
     * @param message what failed, for people reading logs
     * @param cause the underlying failure, or {@code null}
     */
    public RetryableException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }

    @Override
    public final boolean isRetryable() {
        return true;
    }
}
