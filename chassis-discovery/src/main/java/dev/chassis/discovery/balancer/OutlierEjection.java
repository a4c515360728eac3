package dev.chassis.discovery.balancer;

import static java.util.Objects.requireNonNull;

import dev.chassis.discovery.ServiceInstance;
import java.time.Clock;
import java.time.Duration;

/**
 * Settings of passive outlier ejection, applied with {@link LoadBalancer#withOutlierEjection(OutlierEjection)}.
 *
 * <p>An instance whose last {@link #consecutiveFailures()} calls all failed (connection failure,
 * 5xx or timeout, see {@link CallOutcome#isFailure()}) is <em>ejected</em>: the balancer leaves it
 * out of its choice. When its ejection time has passed, the next choice sends exactly one call to it
 * as a half-open probe: success re-admits it, failure ejects it again for twice as long. The first
 * ejection lasts {@link #baseEjectionTime()}, each further one doubles up to
 * {@link #maxEjectionTime()}; an instance that stays admitted for {@code maxEjectionTime} starts from
 * the base time again.
 *
 * <p>All are never ejected at once in effect: when every candidate of a call is ejected, the
 * balancer chooses among all of them as if none were (the failures then surface to the caller, and
 * the {@code ServiceClient}'s breakers and errors report them) rather than failing for lack of an
 * instance.
 *
 * <pre>{@code
 * OutlierEjection ejection = OutlierEjection.builder()
 *         .consecutiveFailures(3)
 *         .baseEjectionTime(Duration.ofSeconds(1))
 *         .maxEjectionTime(Duration.ofMinutes(1))
 *         .build();
 * }</pre>
 *
 * <p>Immutable and thread-safe; each balancer it is applied to keeps its own ejection state.
 */
public final class OutlierEjection {
    private static final OutlierEjection DEFAULTS = builder().build();

    private final int consecutiveFailures;
    private final Duration baseEjectionTime;
    private final Duration maxEjectionTime;
    private final Clock clock;
    private final Listener listener;

    private OutlierEjection(Builder b) {
        this.consecutiveFailures = b.consecutiveFailures;
        this.baseEjectionTime = b.baseEjectionTime;
        this.maxEjectionTime = b.maxEjectionTime;
        this.clock = b.clock;
        this.listener = b.listener;
    }

    /**
     * The defaults: 5 consecutive failures, 1 s doubling up to 60 s, system clock, no listener.
     *
     * @return the default settings
     */
    public static OutlierEjection ofDefaults() {
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

    /** @return how many failures in a row eject an instance */
    public int consecutiveFailures() {
        return consecutiveFailures;
    }

    /** @return the length of the first ejection */
    public Duration baseEjectionTime() {
        return baseEjectionTime;
    }

    /** @return the longest ejection */
    public Duration maxEjectionTime() {
        return maxEjectionTime;
    }

    /** @return the clock ejection times are measured on */
    public Clock clock() {
        return clock;
    }

    /** @return the listener told of ejections and re-admissions */
    public Listener listener() {
        return listener;
    }

    @Override
    public String toString() {
        return "OutlierEjection[consecutiveFailures=" + consecutiveFailures + ", baseEjectionTime=" + baseEjectionTime
                + ", maxEjectionTime=" + maxEjectionTime + "]";
    }

    /**
     * Told when instances are ejected and re-admitted, on the thread that reported the deciding
     * call's outcome. Must not block; exceptions are ignored.
     */
    public interface Listener {
        /**
         * An instance was ejected.
         *
         * @param instance the instance
         * @param duration how long until its probe
         * @param ejections how many times it has been ejected in a row, from 1
         */
        default void onEjected(ServiceInstance instance, Duration duration, int ejections) {
        }

        /**
         * An ejected instance passed its probe and takes calls again.
         *
         * @param instance the instance
         */
        default void onReadmitted(ServiceInstance instance) {
        }
    }

    /** Builds {@link OutlierEjection} settings. Not thread-safe; {@link #build()} checks and copies. */
    public static final class Builder {
        private int consecutiveFailures = 5;
        private Duration baseEjectionTime = Duration.ofSeconds(1);
        private Duration maxEjectionTime = Duration.ofSeconds(60);
        private Clock clock = Clock.systemUTC();
        private Listener listener = new Listener() {
        };

        private Builder() {
        }

        /**
         * @param failures how many failed calls in a row eject an instance, at least 1; default 5
         * @return this builder
         */
        public Builder consecutiveFailures(int failures) {
            this.consecutiveFailures = failures;
            return this;
        }

        /**
         * @param duration the length of the first ejection, positive; default 1 s
         * @return this builder
         */
        public Builder baseEjectionTime(Duration duration) {
            this.baseEjectionTime = requireNonNull(duration, "duration");
            return this;
        }

        /**
         * @param duration the longest ejection, at least the base time; default 60 s
         * @return this builder
         */
        public Builder maxEjectionTime(Duration duration) {
            this.maxEjectionTime = requireNonNull(duration, "duration");
            return this;
        }

        /**
         * @param clock the clock ejection times are measured on; default the system UTC clock
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = requireNonNull(clock, "clock");
            return this;
        }

        /**
         * @param listener told of ejections and re-admissions; default none
         * @return this builder
         */
        public Builder listener(Listener listener) {
            this.listener = requireNonNull(listener, "listener");
            return this;
        }

        /**
         * Checks and builds.
         *
         * @return the settings
         * @throws IllegalArgumentException if a value is out of range; the message names it
         */
        public OutlierEjection build() {
            if (consecutiveFailures < 1) {
                throw new IllegalArgumentException("consecutiveFailures must be at least 1, was " + consecutiveFailures);
            }
            if (baseEjectionTime.isNegative() || baseEjectionTime.isZero()) {
                throw new IllegalArgumentException("baseEjectionTime must be positive, was " + baseEjectionTime);
            }
            if (maxEjectionTime.compareTo(baseEjectionTime) < 0) {
                throw new IllegalArgumentException("maxEjectionTime (" + maxEjectionTime
                        + ") must be at least baseEjectionTime (" + baseEjectionTime + ")");
            }
            return new OutlierEjection(this);
        }
    }
}
