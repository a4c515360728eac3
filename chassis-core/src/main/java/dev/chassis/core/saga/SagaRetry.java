package dev.chassis.core.saga;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * How often a saga step's action or compensation is attempted and how long the orchestrator waits
 * between attempts: exponential backoff from {@code initialDelay}, multiplied by {@code multiplier}
 * per attempt, capped at {@code maxDelay}. A command is resent (with the same idempotency key) when
 * its reply does not arrive within the step's timeout; a call is retried when it throws. Immutable.
 *
 * <pre>{@code
 * SagaRetry retry = SagaRetry.of(5, Duration.ofSeconds(1)); // 1s, 2s, 4s, 8s between attempts
 * }</pre>
 *
 * @param maxAttempts how many attempts in all, at least 1
 * @param initialDelay the delay before the second attempt, positive
 * @param multiplier the factor applied to the delay per further attempt, at least 1
 * @param maxDelay the longest delay, at least {@code initialDelay}
 */
public record SagaRetry(int maxAttempts, Duration initialDelay, double multiplier, Duration maxDelay) {
    private static final SagaRetry DEFAULTS = new SagaRetry(3, Duration.ofSeconds(1), 2.0, Duration.ofMinutes(1));

    /** Checks the components. */
    public SagaRetry {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be >= 1, was " + maxAttempts);
        }
        requireNonNull(initialDelay, "initialDelay");
        requireNonNull(maxDelay, "maxDelay");
        if (initialDelay.isNegative() || initialDelay.isZero()) {
            throw new IllegalArgumentException("initialDelay must be positive, was " + initialDelay);
        }
        if (!(multiplier >= 1.0)) {
            throw new IllegalArgumentException("multiplier must be >= 1, was " + multiplier);
        }
        if (maxDelay.compareTo(initialDelay) < 0) {
            throw new IllegalArgumentException("maxDelay (" + maxDelay + ") must be >= initialDelay (" + initialDelay + ")");
        }
    }

    /**
     * The default: 3 attempts, 1 second before the second, doubling, at most 1 minute.
     *
     * @return the default policy
     */
    public static SagaRetry ofDefaults() {
        return DEFAULTS;
    }

    /**
     * A single attempt, no retries.
     *
     * @return the policy
     */
    public static SagaRetry none() {
        return new SagaRetry(1, Duration.ofSeconds(1), 1.0, Duration.ofSeconds(1));
    }

    /**
     * Attempts with a doubling delay capped at one minute (or at {@code initialDelay} if longer).
     *
     * @param maxAttempts how many attempts in all, at least 1
     * @param initialDelay the delay before the second attempt
     * @return the policy
     */
    public static SagaRetry of(int maxAttempts, Duration initialDelay) {
        requireNonNull(initialDelay, "initialDelay");
        Duration max = initialDelay.compareTo(Duration.ofMinutes(1)) > 0 ? initialDelay : Duration.ofMinutes(1);
        return new SagaRetry(maxAttempts, initialDelay, 2.0, max);
    }

    /**
     * The delay before an attempt.
     *
     * @param attempt the attempt about to be made, at least 2
     * @return the delay
     * @throws IllegalArgumentException if {@code attempt} is below 2
     */
    public Duration delayBefore(int attempt) {
        if (attempt < 2) {
            throw new IllegalArgumentException("attempt must be >= 2 (the first attempt has no delay), was " + attempt);
        }
        double millis = initialDelay.toMillis() * Math.pow(multiplier, attempt - 2);
        return millis >= maxDelay.toMillis() ? maxDelay : Duration.ofMillis(Math.round(millis));
    }
}
