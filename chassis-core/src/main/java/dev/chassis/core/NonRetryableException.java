package dev.chassis.core;

import org.jspecify.annotations.Nullable;

/**
 * A failure that the same input will always produce: invalid data, an undecodable payload, a
 * misconfiguration, a broken business rule. Trying again cannot help; the message says what to fix.
 *
 * <p>Thrown from a message handler, it sends the message straight to the dead-letter queue.
 * Instances are immutable once thrown.
 *
 * <pre>{@code
 * throw new NonRetryableException("order 42 has no lines");
 * }</pre>
 */
public class NonRetryableException extends ChassisException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what is wrong and what to fix
     */
    public NonRetryableException(String message) {
        super(message, null);
    }

    /**
     * @param message what is wrong and what to fix
     * @param cause the underlying failure, or {@code null}
     */
    public NonRetryableException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }

    @Override
    public final boolean isRetryable() {
        return false;
    }
}
