package dev.chassis.core.resilience;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * Limits how many calls run at once, so a slow dependency cannot take every thread. A call that
 * finds no free slot within {@link #maxWait()} fails with {@link BulkheadFullException} without
 * being attempted. Thread-safe; the slots are shared by every {@link Resilience} using this instance.
 *
 * <pre>{@code
 * Bulkhead bulkhead = Bulkhead.of("payments", 10);
 * }</pre>
 */
public final class Bulkhead {
    private final String name;
    private final int maxConcurrentCalls;
    private final Duration maxWait;
    private final dev.failsafe.Bulkhead<Object> slots;

    private Bulkhead(String name, int maxConcurrentCalls, Duration maxWait) {
        this.name = name;
        this.maxConcurrentCalls = maxConcurrentCalls;
        this.maxWait = maxWait;
        this.slots = dev.failsafe.Bulkhead.builder(maxConcurrentCalls).withMaxWaitTime(maxWait).build();
    }

    /**
     * A bulkhead that rejects at once when full.
     *
     * @param name the bulkhead's name, shown in errors
     * @param maxConcurrentCalls how many calls may run at once, at least 1
     * @return the bulkhead
     */
    public static Bulkhead of(String name, int maxConcurrentCalls) {
        return of(name, maxConcurrentCalls, Duration.ZERO);
    }

    /**
     * A bulkhead that lets a call wait for a slot.
     *
     * @param name the bulkhead's name, shown in errors
     * @param maxConcurrentCalls how many calls may run at once, at least 1
     * @param maxWait how long a call may wait for a slot; zero rejects at once
     * @return the bulkhead
     */
    public static Bulkhead of(String name, int maxConcurrentCalls, Duration maxWait) {
        requireNonNull(name, "name");
        requireNonNull(maxWait, "maxWait");
        if (name.isBlank()) {
            throw new IllegalArgumentException("name must not be blank");
        }
        if (maxConcurrentCalls < 1) {
            throw new IllegalArgumentException("maxConcurrentCalls must be at least 1, was " + maxConcurrentCalls);
        }
        if (maxWait.isNegative()) {
            throw new IllegalArgumentException("maxWait must not be negative, was " + maxWait);
        }
        return new Bulkhead(name, maxConcurrentCalls, maxWait);
    }

    /**
     * @return the bulkhead's name
     */
    public String name() {
        return name;
    }

    /**
     * @return how many calls may run at once
     */
    public int maxConcurrentCalls() {
        return maxConcurrentCalls;
    }

    /**
     * @return how long a call may wait for a slot
     */
    public Duration maxWait() {
        return maxWait;
    }

    dev.failsafe.Bulkhead<Object> slots() {
        return slots;
    }

    @Override
    public String toString() {
        return "Bulkhead[" + name + ", maxConcurrentCalls=" + maxConcurrentCalls + ", maxWait=" + maxWait + "]";
    }
}
