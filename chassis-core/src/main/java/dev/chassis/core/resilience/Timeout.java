package dev.chassis.core.resilience;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * Bounds how long one attempt may take; an attempt that exceeds it fails with
 * {@link TimeoutExceededException}. Immutable and thread-safe.
 *
 * <p>A synchronous attempt runs on the calling thread; when the timeout expires the thread is
 * interrupted (unless {@link #withoutInterrupt()}), and the caller gets the exception as soon as the
 * call reacts to the interrupt. A call that ignores interrupts keeps the caller until it returns,
 * and its result is discarded; a circuit breaker counts the failure when the timeout expires, not
 * when the call returns. Synchronous timeouts are checked by one shared watchdog thread every 5 ms:
 * an attempt never times out early, and usually at most about 5 ms late (more on an overloaded
 * machine). An asynchronous attempt's stage completes with the exception when the timeout expires
 * (on a timer task, without that granularity), whatever the underlying operation does. With a
 * {@link CircuitBreaker} in the same {@link Resilience}, the shorter of the two timeouts applies.
 *
 * <pre>{@code
 * Timeout timeout = Timeout.of(Duration.ofMillis(500));
 * }</pre>
 */
public final class Timeout {
    private final Duration duration;
    private final boolean interrupt;

    private Timeout(Duration duration, boolean interrupt) {
        this.duration = duration;
        this.interrupt = interrupt;
    }

    /**
     * A timeout that interrupts the calling thread of a synchronous attempt when it expires.
     *
     * @param duration the longest an attempt may take, positive
     * @return the timeout
     */
    public static Timeout of(Duration duration) {
        requireNonNull(duration, "duration");
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("duration must be positive, was " + duration);
        }
        return new Timeout(duration, true);
    }

    /**
     * The same timeout, without interrupting: a synchronous attempt is failed only after it returns.
     *
     * @return a new timeout
     */
    public Timeout withoutInterrupt() {
        return new Timeout(duration, false);
    }

    /**
     * @return the longest an attempt may take
     */
    public Duration duration() {
        return duration;
    }

    /**
     * @return whether a synchronous attempt's thread is interrupted when the timeout expires
     */
    public boolean interrupts() {
        return interrupt;
    }

    @Override
    public String toString() {
        return "Timeout[" + duration + (interrupt ? "" : ", no interrupt") + "]";
    }
}
