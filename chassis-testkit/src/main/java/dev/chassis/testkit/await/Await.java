package dev.chassis.testkit.await;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * Waits in a test until something asynchronous has happened, instead of sleeping. The condition is
 * polled on the calling thread, first every 5 ms and then less often (doubling up to every 100 ms),
 * until it holds or the timeout passes. On timeout it throws an {@link AssertionError} that names
 * the description, the time waited, the number of polls and the last value or the last assertion
 * error, so a failed wait says what was missing:
 *
 * <pre>{@code
 * Await.until("the order is confirmed", () -> orders.state("o-1") == CONFIRMED, Duration.ofSeconds(10));
 * long rows = Await.until("three rows", () -> count("orders"), n -> n == 3, Duration.ofSeconds(10));
 * Await.untilAsserted("the welcome e-mail", () -> assertThat(outbox.sent()).hasSize(1), Duration.ofSeconds(10));
 * }</pre>
 *
 * <p>An exception other than {@link AssertionError} thrown by a condition ends the wait at once and
 * is rethrown (checked ones wrapped in an {@code AssertionError}), since polling again rarely helps.
 * If the waiting thread is interrupted, the wait fails and the interrupt flag is restored. The class
 * holds no state; its methods may be called from any thread.
 */
public final class Await {
    private static final long FIRST_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    private static final long LONGEST_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private Await() {
    }

    /**
     * An assertion to repeat until it passes, for {@link #untilAsserted}.
     */
    @FunctionalInterface
    public interface Assertion {
        /**
         * Checks the expected state.
         *
         * @throws Exception if the check cannot run; an {@link AssertionError} means "not yet"
         */
        void check() throws Exception;
    }

    /**
     * Waits until a condition is true.
     *
     * @param description what is awaited, for the failure message ("the order is confirmed")
     * @param condition polled until it returns {@code true}
     * @param timeout how long to wait at most
     * @throws AssertionError if the condition is still false when the timeout passes
     */
    public static void until(String description, Callable<Boolean> condition, Duration timeout) {
        requireNonNull(condition, "condition");
        until(description, condition, Boolean.TRUE::equals, timeout);
    }

    /**
     * Waits until a value satisfies a predicate, and returns that value.
     *
     * @param description what is awaited, for the failure message ("three rows")
     * @param value polled until the predicate accepts what it returns
     * @param predicate the expected property of the value
     * @param timeout how long to wait at most
     * @param <T> the type of the value
     * @return the first value the predicate accepted
     * @throws AssertionError if no value was accepted when the timeout passes; it names the last value
     */
    public static <T> T until(String description, Callable<T> value, Predicate<? super T> predicate, Duration timeout) {
        requireNonNull(value, "value");
        requireNonNull(predicate, "predicate");
        Poll poll = new Poll(description, timeout);
        while (true) {
            T last = call(poll, value);
            if (predicate.test(last)) {
                return last;
            }
            poll.pauseOrFail("last value: " + last, null);
        }
    }

    /**
     * Waits until an assertion passes.
     *
     * @param description what is awaited, for the failure message ("the welcome e-mail")
     * @param assertion repeated while it throws an {@link AssertionError}
     * @param timeout how long to wait at most
     * @throws AssertionError if the assertion still fails when the timeout passes; the last assertion
     *     error is its cause and its message is included
     */
    public static void untilAsserted(String description, Assertion assertion, Duration timeout) {
        requireNonNull(assertion, "assertion");
        Poll poll = new Poll(description, timeout);
        while (true) {
            try {
                assertion.check();
                return;
            } catch (AssertionError notYet) {
                poll.pauseOrFail("last assertion error: " + notYet.getMessage(), notYet);
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw poll.failed(e);
            }
        }
    }

    private static <T> T call(Poll poll, Callable<T> callable) {
        try {
            return callable.call();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw poll.failed(e);
        }
    }

    /** The state of one wait: when it started, how often it polled, how long to pause next. */
    private static final class Poll {
        private final String description;
        private final long timeoutNanos;
        private final long start = System.nanoTime();
        private long pause = FIRST_PAUSE_NANOS;
        private int polls;

        Poll(String description, Duration timeout) {
            this.description = requireNonNull(description, "description");
            requireNonNull(timeout, "timeout");
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeout must be positive, was " + timeout);
            }
            this.timeoutNanos = timeout.toNanos();
        }

        AssertionError failed(Exception e) {
            return new AssertionError("Awaiting " + description + " failed: " + e, e);
        }

        void pauseOrFail(String lastSeen, @Nullable Throwable cause) {
            polls++;
            long elapsed = System.nanoTime() - start;
            if (elapsed >= timeoutNanos) {
                throw new AssertionError(String.format(Locale.ROOT, "Waited %.3f s for %s, but it did not happen (%d polls); %s",
                        elapsed / 1e9, description, polls, lastSeen), cause);
            }
            LockSupport.parkNanos(Math.min(pause, timeoutNanos - elapsed));
            if (Thread.currentThread().isInterrupted()) {
                throw new AssertionError("Interrupted while waiting for " + description + "; " + lastSeen, cause);
            }
            pause = Math.min(pause * 2, LONGEST_PAUSE_NANOS);
        }
    }
}
