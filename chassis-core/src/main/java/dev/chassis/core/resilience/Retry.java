package dev.chassis.core.resilience;

import static java.util.Objects.requireNonNull;

import dev.chassis.core.NonRetryableException;
import java.time.Duration;
import java.util.function.Predicate;

/**
 * Tries a failed call again after an exponentially growing, jittered delay. Immutable and
 * thread-safe; one instance may configure any number of {@link Resilience} policies.
 *
 * <p>The delay before retry {@code n} (1-based) is {@code initialDelay * multiplier^(n-1)}, capped
 * at {@code maxDelay}, then moved by a random amount of up to {@code jitter} times itself in either
 * direction. By default a failure is retried unless it is a {@link NonRetryableException}: a
 * {@link dev.chassis.core.RetryableException} and any unexpected exception are retried.
 * Synchronous calls wait on the calling thread; asynchronous calls wait on the scheduler and never
 * block a thread.
 *
 * <pre>{@code
 * Retry retry = Retry.builder()
 *         .maxAttempts(5)
 *         .initialDelay(Duration.ofMillis(200))
 *         .retryOn(e -> !(e instanceof IllegalArgumentException))
 *         .build();
 * }</pre>
 */
public final class Retry {
    private static final Retry DEFAULTS = builder().build();

    private final int maxAttempts;
    private final Duration initialDelay;
    private final Duration maxDelay;
    private final double multiplier;
    private final double jitter;
    private final Predicate<Throwable> retryOn;
    private final RetryListener listener;

    private Retry(Builder builder) {
        this.maxAttempts = builder.maxAttempts;
        this.initialDelay = builder.initialDelay;
        this.maxDelay = builder.maxDelay;
        this.multiplier = builder.multiplier;
        this.jitter = builder.jitter;
        this.retryOn = builder.retryOn;
        this.listener = builder.listener;
    }

    /**
     * The defaults: 3 attempts, 100 ms initial delay doubling up to 2 s, jitter 0.5, retrying
     * everything except {@link NonRetryableException}.
     *
     * @return the default retry
     */
    public static Retry ofDefaults() {
        return DEFAULTS;
    }

    /**
     * A builder starting from the defaults.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * @return the total number of attempts, the first one included
     */
    public int maxAttempts() {
        return maxAttempts;
    }

    /**
     * @return the delay before the first retry, before jitter
     */
    public Duration initialDelay() {
        return initialDelay;
    }

    /**
     * @return the largest delay, before jitter
     */
    public Duration maxDelay() {
        return maxDelay;
    }

    /**
     * @return the factor by which the delay grows after each retry
     */
    public double multiplier() {
        return multiplier;
    }

    /**
     * @return the jitter factor in {@code [0, 1)}: each delay moves by up to this share of itself
     */
    public double jitter() {
        return jitter;
    }

    /**
     * @return which failures are retried
     */
    public Predicate<Throwable> retryOn() {
        return retryOn;
    }

    /**
     * @return the listener told about each scheduled retry
     */
    public RetryListener listener() {
        return listener;
    }

    @Override
    public String toString() {
        return "Retry[maxAttempts=" + maxAttempts + ", initialDelay=" + initialDelay + ", maxDelay=" + maxDelay
                + ", multiplier=" + multiplier + ", jitter=" + jitter + "]";
    }

    /** Builds a {@link Retry}. Not thread-safe; {@link #build()} checks and copies. */
    public static final class Builder {
        private int maxAttempts = 3;
        private Duration initialDelay = Duration.ofMillis(100);
        private Duration maxDelay = Duration.ofSeconds(2);
        private double multiplier = 2.0;
        private double jitter = 0.5;
        private Predicate<Throwable> retryOn = e -> !(e instanceof NonRetryableException);
        private RetryListener listener = new RetryListener() {
        };

        private Builder() {
        }

        /**
         * @param attempts the total number of attempts, at least 1 (1 means no retry)
         * @return this builder
         */
        public Builder maxAttempts(int attempts) {
            this.maxAttempts = attempts;
            return this;
        }

        /**
         * @param delay the delay before the first retry, positive
         * @return this builder
         */
        public Builder initialDelay(Duration delay) {
            this.initialDelay = requireNonNull(delay, "delay");
            return this;
        }

        /**
         * @param delay the largest delay, at least {@code initialDelay}
         * @return this builder
         */
        public Builder maxDelay(Duration delay) {
            this.maxDelay = requireNonNull(delay, "delay");
            return this;
        }

        /**
         * @param multiplier how the delay grows after each retry, at least 1 (1 means a fixed delay)
         * @return this builder
         */
        public Builder multiplier(double multiplier) {
            this.multiplier = multiplier;
            return this;
        }

        /**
         * @param factor jitter in {@code [0, 1)}; 0 turns jitter off
         * @return this builder
         */
        public Builder jitter(double factor) {
            this.jitter = factor;
            return this;
        }

        /**
         * Chooses which failures are retried, replacing the default.
         *
         * @param predicate true for a failure worth retrying
         * @return this builder
         */
        public Builder retryOn(Predicate<Throwable> predicate) {
            this.retryOn = requireNonNull(predicate, "predicate");
            return this;
        }

        /**
         * @param listener told about each retry before its delay starts
         * @return this builder
         */
        public Builder onRetry(RetryListener listener) {
            this.listener = requireNonNull(listener, "listener");
            return this;
        }

        /**
         * Checks and builds.
         *
         * @return the retry
         * @throws IllegalArgumentException if a value is out of range
         */
        public Retry build() {
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("maxAttempts must be at least 1, was " + maxAttempts);
            }
            if (initialDelay.isNegative() || initialDelay.isZero()) {
                throw new IllegalArgumentException("initialDelay must be positive, was " + initialDelay);
            }
            if (maxDelay.compareTo(initialDelay) < 0) {
                throw new IllegalArgumentException("maxDelay must be at least initialDelay (" + initialDelay
                        + "), was " + maxDelay);
            }
            if (!(multiplier >= 1.0)) {
                throw new IllegalArgumentException("multiplier must be at least 1, was " + multiplier);
            }
            if (!(jitter >= 0.0 && jitter < 1.0)) {
                throw new IllegalArgumentException("jitter must be in [0, 1), was " + jitter);
            }
            return new Retry(this);
        }
    }
}
