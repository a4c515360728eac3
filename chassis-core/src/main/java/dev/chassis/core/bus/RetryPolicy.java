package dev.chassis.core.bus;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * How often and how late a failed delivery is tried again before it is dead-lettered: exponential
 * backoff from {@code initialDelay}, multiplied by {@code multiplier} per attempt, capped at
 * {@code maxDelay}. Immutable and thread-safe.
 *
 * <p>Defaults ({@link #ofDefaults()}): 5 attempts in all, delays 1 s, 2 s, 4 s, 8 s (cap 60 s) — the
 * same shape as Spring Cloud Stream's consumer retry, but without holding the consumer thread.
 *
 * <pre>{@code
 * RetryPolicy policy = RetryPolicy.builder().maxAttempts(3).initialDelay(Duration.ofMillis(200)).build();
 * }</pre>
 *
 * @param maxAttempts deliveries in all, including the first; 1 means no retry
 * @param initialDelay the delay before the first retry
 * @param multiplier the factor applied to the delay per retry, at least 1
 * @param maxDelay the largest delay
 */
public record RetryPolicy(int maxAttempts, Duration initialDelay, double multiplier, Duration maxDelay) {
    private static final RetryPolicy DEFAULTS = new RetryPolicy(5, Duration.ofSeconds(1), 2.0, Duration.ofSeconds(60));

    /** Checks the components. */
    public RetryPolicy {
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

    /** @return 5 attempts, 1 s initial delay, doubling, at most 60 s */
    public static RetryPolicy ofDefaults() {
        return DEFAULTS;
    }

    /** @return a policy that dead-letters on the first failure */
    public static RetryPolicy none() {
        return new RetryPolicy(1, Duration.ofSeconds(1), 1.0, Duration.ofSeconds(1));
    }

    /** @return a builder starting from the defaults */
    public static Builder builder() {
        return new Builder(DEFAULTS);
    }

    /** @return a builder starting from this policy */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /**
     * The delay before the given delivery attempt.
     *
     * @param attempt the attempt about to be made, 2 or more
     * @return the delay, between {@code initialDelay} and {@code maxDelay}
     */
    public Duration delayBefore(int attempt) {
        if (attempt < 2) {
            throw new IllegalArgumentException("attempt must be >= 2 (the first delivery has no delay), was " + attempt);
        }
        double millis = initialDelay.toMillis() * Math.pow(multiplier, attempt - 2);
        return millis >= maxDelay.toMillis() ? maxDelay : Duration.ofMillis(Math.round(millis));
    }

    /**
     * Every distinct delay this policy uses, shortest first; a broker-backed bus declares one delay
     * queue per entry.
     *
     * @return the delays before attempts 2..maxAttempts, without repeats
     */
    public List<Duration> distinctDelays() {
        List<Duration> delays = new ArrayList<>();
        for (int attempt = 2; attempt <= maxAttempts; attempt++) {
            Duration d = delayBefore(attempt);
            if (!delays.contains(d)) {
                delays.add(d);
            }
        }
        return List.copyOf(delays);
    }

    /** Builds a {@link RetryPolicy}. Not thread-safe. */
    public static final class Builder {
        private int maxAttempts;
        private Duration initialDelay;
        private double multiplier;
        private Duration maxDelay;

        private Builder(RetryPolicy from) {
            this.maxAttempts = from.maxAttempts;
            this.initialDelay = from.initialDelay;
            this.multiplier = from.multiplier;
            this.maxDelay = from.maxDelay;
        }

        /** @param maxAttempts deliveries in all, including the first @return this builder */
        public Builder maxAttempts(int maxAttempts) {
            this.maxAttempts = maxAttempts;
            return this;
        }

        /** @param initialDelay the delay before the first retry @return this builder */
        public Builder initialDelay(Duration initialDelay) {
            this.initialDelay = requireNonNull(initialDelay, "initialDelay");
            return this;
        }

        /** @param multiplier the growth factor per retry, at least 1 @return this builder */
        public Builder multiplier(double multiplier) {
            this.multiplier = multiplier;
            return this;
        }

        /** @param maxDelay the largest delay @return this builder */
        public Builder maxDelay(Duration maxDelay) {
            this.maxDelay = requireNonNull(maxDelay, "maxDelay");
            return this;
        }

        /** @return the policy @throws IllegalArgumentException naming the bad value */
        public RetryPolicy build() {
            return new RetryPolicy(maxAttempts, initialDelay, multiplier, maxDelay);
        }
    }
}
