package dev.chassis.core;

import org.jspecify.annotations.Nullable;

/**
 * The root of every exception the chassis throws, split by whether trying again can help:
 * {@link RetryableException} (a broker is down, a lock timed out) and {@link NonRetryableException}
 * (an undecodable payload, a misconfiguration). Specific exceptions extend one of the two and name
 * the component they come from.
 *
 * <p>Catch {@code ChassisException} to handle anything the chassis raises; ask {@link #isRetryable()}
 * to decide whether to try again. Instances are immutable once thrown.
 */
public abstract class ChassisException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ChassisException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }

    /**
     * Tells whether repeating the same operation may succeed.
     *
     * @return {@code true} for a {@link RetryableException}, {@code false} for a {@link NonRetryableException}
     */
    public abstract boolean isRetryable();
}
