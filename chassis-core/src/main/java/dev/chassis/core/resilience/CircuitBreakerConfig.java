package dev.chassis.core.resilience;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * How a {@link CircuitBreaker} decides to open and close. Immutable and thread-safe.
 *
 * <p>The breaker keeps the outcomes of the last {@code slidingWindowSize} calls. Once it holds at
 * least {@code minimumCalls} outcomes and the share of failures reaches
 * {@code failureRateThreshold} percent, the breaker opens. After {@code openDuration} it lets
 * {@code halfOpenPermits} probe calls through: if all succeed it closes, the first failure opens it
 * again. Every call through the breaker is bounded by {@code timeout}, so a hanging probe counts as a
 * failure after the timeout and frees its permit.
 *
 * <pre>{@code
 * CircuitBreakerConfig config = CircuitBreakerConfig.builder()
 *         .timeout(Duration.ofSeconds(1))
 *         .openDuration(Duration.ofSeconds(10))
 *         .build();
 * }</pre>
 *
 * @param timeout the longest a call through the breaker may take; default 3 s
 * @param failureRateThreshold the failure percentage (1..100) at which the breaker opens; default 50
 * @param slidingWindowSize how many of the latest call outcomes are kept; default 20
 * @param minimumCalls how many outcomes the window must hold before the rate is judged; default 10
 * @param openDuration how long the breaker stays open before admitting probes; default 30 s
 * @param halfOpenPermits how many probe calls the half-open breaker admits; default 3
 */
public record CircuitBreakerConfig(
        Duration timeout,
        int failureRateThreshold,
        int slidingWindowSize,
        int minimumCalls,
        Duration openDuration,
        int halfOpenPermits) {

    private static final CircuitBreakerConfig DEFAULTS = builder().build();

    /** Checks the components; each message says which one to fix. */
    public CircuitBreakerConfig {
        requirePositive(requireNonNull(timeout, "timeout"), "timeout");
        requirePositive(requireNonNull(openDuration, "openDuration"), "openDuration");
        if (failureRateThreshold < 1 || failureRateThreshold > 100) {
            throw new IllegalArgumentException("failureRateThreshold must be 1..100, was " + failureRateThreshold);
        }
        if (slidingWindowSize < 1) {
            throw new IllegalArgumentException("slidingWindowSize must be at least 1, was " + slidingWindowSize);
        }
        if (minimumCalls < 1 || minimumCalls > slidingWindowSize) {
            throw new IllegalArgumentException("minimumCalls must be 1..slidingWindowSize (" + slidingWindowSize
                    + "), was " + minimumCalls);
        }
        if (halfOpenPermits < 1) {
            throw new IllegalArgumentException("halfOpenPermits must be at least 1, was " + halfOpenPermits);
        }
    }

    /**
     * The defaults: 3 s timeout, opens at 50 % failures once 10 of the last 20 calls are known,
     * 30 s open, 3 half-open probes.
     *
     * @return the default configuration
     */
    public static CircuitBreakerConfig ofDefaults() {
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
     * A builder starting from this configuration.
     *
     * @return a new builder
     */
    public Builder toBuilder() {
        return new Builder()
                .timeout(timeout)
                .failureRateThreshold(failureRateThreshold)
                .slidingWindowSize(slidingWindowSize)
                .minimumCalls(minimumCalls)
                .openDuration(openDuration)
                .halfOpenPermits(halfOpenPermits);
    }

    private static void requirePositive(Duration value, String name) {
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, was " + value);
        }
    }

    /** Builds a {@link CircuitBreakerConfig}. Not thread-safe; {@link #build()} checks and copies. */
    public static final class Builder {
        private Duration timeout = Duration.ofSeconds(3);
        private int failureRateThreshold = 50;
        private int slidingWindowSize = 20;
        private int minimumCalls = 10;
        private Duration openDuration = Duration.ofSeconds(30);
        private int halfOpenPermits = 3;

        private Builder() {
        }

        /**
         * @param timeout the longest a call through the breaker may take
         * @return this builder
         */
        public Builder timeout(Duration timeout) {
            this.timeout = requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * @param percent the failure percentage (1..100) at which the breaker opens
         * @return this builder
         */
        public Builder failureRateThreshold(int percent) {
            this.failureRateThreshold = percent;
            return this;
        }

        /**
         * @param calls how many of the latest call outcomes are kept
         * @return this builder
         */
        public Builder slidingWindowSize(int calls) {
            this.slidingWindowSize = calls;
            return this;
        }

        /**
         * @param calls how many outcomes the window must hold before the failure rate is judged
         * @return this builder
         */
        public Builder minimumCalls(int calls) {
            this.minimumCalls = calls;
            return this;
        }

        /**
         * @param openDuration how long the breaker stays open before admitting probes
         * @return this builder
         */
        public Builder openDuration(Duration openDuration) {
            this.openDuration = requireNonNull(openDuration, "openDuration");
            return this;
        }

        /**
         * @param permits how many probe calls the half-open breaker admits
         * @return this builder
         */
        public Builder halfOpenPermits(int permits) {
            this.halfOpenPermits = permits;
            return this;
        }

        /**
         * Checks and builds.
         *
         * @return the configuration
         * @throws IllegalArgumentException if a value is out of range
         */
        public CircuitBreakerConfig build() {
            return new CircuitBreakerConfig(timeout, failureRateThreshold, slidingWindowSize, minimumCalls,
                    openDuration, halfOpenPermits);
        }
    }
}
