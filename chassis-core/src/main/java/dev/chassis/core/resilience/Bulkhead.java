package dev.chassis.core.resilience;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Limits how many calls run at once, so a slow dependency cannot take every thread. A call that
 * finds no free slot within {@link #maxWait()} fails with {@link BulkheadFullException} without
 * being attempted. Only synchronous calls wait (on the calling thread); an asynchronous call that
 * finds the bulkhead full is rejected at once, so that no pool thread blocks. A synchronous call
 * holds its slot until it returns; an asynchronous one until its stage completes or times out.
 * Thread-safe; the slots are shared by every {@link Resilience} using this instance.
 *
 * <pre>{@code
 * Bulkhead bulkhead = Bulkhead.of("payments", 10);
 * }</pre>
 */
public final class Bulkhead {
    private final String name;
    private final int maxConcurrentCalls;
    private final Duration maxWait;
    /*
     * A plain semaphore rather than Failsafe's Bulkhead: in Failsafe 3.3.2 a synchronous
     * tryAcquirePermit(maxWait) that gives up leaves its waiter queued, and the next release hands
     * that waiter the permit, so every rejection loses a slot for good (failsafe-lib/failsafe#393).
     */
    private final Semaphore slots;

    private Bulkhead(String name, int maxConcurrentCalls, Duration maxWait) {
        this.name = name;
        this.maxConcurrentCalls = maxConcurrentCalls;
        this.maxWait = maxWait;
        this.slots = new Semaphore(maxConcurrentCalls, true);
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

    /** Takes a slot, waiting up to {@link #maxWait()} on the calling thread. */
    boolean tryEnter() throws InterruptedException {
        return maxWait.isZero() ? slots.tryAcquire() : slots.tryAcquire(maxWait.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Takes a slot if one is free now. */
    boolean tryEnterNow() {
        return slots.tryAcquire();
    }

    void exit() {
        slots.release();
    }

    @Override
    public String toString() {
        return "Bulkhead[" + name + ", maxConcurrentCalls=" + maxConcurrentCalls + ", maxWait=" + maxWait + "]";
    }
}
