package dev.chassis.core.resilience;

import static java.util.Objects.requireNonNull;

import dev.chassis.core.RetryableException;
import java.time.Duration;

/**
 * A call did not complete within its timeout. The timeout comes from a {@link Timeout} policy or
 * from the {@link CircuitBreaker} every breaker carries, whichever is shorter; {@link #name()} names
 * that component. Instances are immutable once thrown.
 */
public final class TimeoutExceededException extends RetryableException {
    private static final long serialVersionUID = 1L;

    private final String name;
    private final Duration timeout;

    /**
     * @param name the name of the breaker or resilience policy whose timeout expired
     * @param timeout the timeout that expired
     */
    public TimeoutExceededException(String name, Duration timeout) {
        super("'" + requireNonNull(name, "name") + "' timed out after " + requireNonNull(timeout, "timeout"));
        this.name = name;
        this.timeout = timeout;
    }

    /**
     * The component whose timeout expired.
     *
     * @return a circuit breaker's or resilience policy's name
     */
    public String name() {
        return name;
    }

    /**
     * The timeout that expired.
     *
     * @return the timeout
     */
    public Duration timeout() {
        return timeout;
    }
}
