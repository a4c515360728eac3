package dev.chassis.core.resilience;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Times out synchronous attempts with one daemon thread instead of one timer task per attempt.
 *
 * <p>An attempt registers a {@link Watch} (one small object, linked into one of a few striped lists
 * under an uncontended lock) and unlinks it when it ends. The watchdog thread wakes every
 * {@link #TICK} and expires the watches whose deadline has passed: it fails the attempt's breaker
 * permit (so a call that never returns still counts as a failure and frees a half-open permit),
 * interrupts the attempt's thread if asked to, and leaves the attempt to end with
 * {@link TimeoutExceededException}. A watch therefore expires no earlier than its deadline and
 * usually at most one tick (plus scheduling delay) after it; an attempt that returns after its
 * deadline before the watchdog looked is answered the same way by the attempt's own thread. Its work per tick is proportional to
 * the attempts in flight, not to the call rate.
 *
 * <p>The thread starts with the first watch and ends by itself after {@link #LINGER} without any
 * watch, so an idle JVM keeps no watchdog thread; {@link #close()} ends it for good. Synchronous
 * calls of all {@link Resilience} instances share {@link #shared()}, a package-private instance
 * that nothing needs to close (its thread is a daemon and stops when idle); tests give a
 * {@link Resilience} their own instance and close it.
 *
 * <p>Instances are thread-safe.
 */
final class Watchdog implements AutoCloseable {
    /** How often the watchdog looks at the deadlines: the timer's granularity. */
    static final Duration TICK = Duration.ofMillis(5);
    /** How long the thread stays without any watch before it ends. */
    static final Duration LINGER = Duration.ofSeconds(2);

    private static final Logger LOG = LoggerFactory.getLogger(Watchdog.class);
    private static final int STOPPED = 0;
    private static final int RUNNING = 1;
    private static final int CLOSED = 2;

    private final String threadName;
    private final long tickNanos;
    private final long lingerNanos;
    private final Stripe[] stripes;
    private final AtomicInteger state = new AtomicInteger(STOPPED);
    private volatile @Nullable Thread thread;

    Watchdog(String threadName, Duration tick, Duration linger) {
        this.threadName = threadName;
        this.tickNanos = tick.toNanos();
        this.lingerNanos = linger.toNanos();
        int count = Integer.highestOneBit(Math.max(4, Runtime.getRuntime().availableProcessors() * 2) * 2 - 1);
        this.stripes = new Stripe[count];
        for (int i = 0; i < count; i++) {
            stripes[i] = new Stripe();
        }
    }

    /**
     * The instance shared by all {@link Resilience} instances that were not given one. It holds no
     * thread while no synchronous call with a timeout is in flight.
     */
    static Watchdog shared() {
        return Shared.INSTANCE;
    }

    private static final class Shared {
        static final Watchdog INSTANCE = new Watchdog("chassis-resilience-watchdog", TICK, LINGER);
    }

    /**
     * Starts watching an attempt on the current thread; the caller must {@link Watch#finish()} it.
     *
     * @param timeoutNanos how long the attempt may take, positive
     * @param interrupt whether to interrupt the current thread when the timeout expires
     * @param permit the breaker permit to fail when the timeout expires, if any
     * @throws IllegalStateException if the watchdog was closed
     */
    Watch watch(long timeoutNanos, boolean interrupt, DefaultCircuitBreaker.@Nullable Permit permit) {
        Thread current = Thread.currentThread();
        Stripe stripe = stripes[(int) current.getId() & (stripes.length - 1)];
        Watch watch = new Watch(stripe, System.nanoTime() + timeoutNanos, interrupt ? current : null, permit);
        synchronized (stripe) {
            stripe.link(watch);
        }
        // after linking, so that a thread going idle either sees the watch or is seen as stopped
        int now = state.get();
        if (now != RUNNING) {
            start(now, watch);
        }
        return watch;
    }

    private void start(int seen, Watch watch) {
        if (seen == CLOSED) {
            watch.finish();
            throw new IllegalStateException("watchdog '" + threadName + "' is closed");
        }
        if (state.compareAndSet(STOPPED, RUNNING)) {
            Thread started = new Thread(this::run, threadName);
            started.setDaemon(true);
            thread = started;
            started.start();
        }
    }

    /** Ends the thread for good; later {@link #watch} calls fail. Watches in flight never expire. */
    @Override
    public void close() {
        state.set(CLOSED);
        Thread running = thread;
        if (running != null) {
            LockSupport.unpark(running);
        }
    }

    /** Whether the watchdog thread is alive (for tests). */
    boolean isRunning() {
        Thread running = thread;
        return running != null && running.isAlive();
    }

    /** How many attempts are being watched (for tests). */
    int inFlight() {
        int count = 0;
        for (Stripe stripe : stripes) {
            synchronized (stripe) {
                count += stripe.size;
            }
        }
        return count;
    }

    private void run() {
        try {
            watchUntilIdleOrClosed();
        } catch (RuntimeException | Error e) {
            // let the next watch start a new thread rather than leave every timeout unchecked
            LOG.error("watchdog '{}' failed; a new thread starts with the next call", threadName, e);
            if (thread == Thread.currentThread()) {
                state.compareAndSet(RUNNING, STOPPED);
            }
            throw e;
        }
    }

    private void watchUntilIdleOrClosed() {
        List<Watch> expired = new ArrayList<>();
        long idleSince = System.nanoTime();
        while (state.get() == RUNNING && thread == Thread.currentThread()) {
            long now = System.nanoTime();
            boolean empty = true;
            for (Stripe stripe : stripes) {
                synchronized (stripe) {
                    empty &= stripe.size == 0;
                    stripe.unlinkExpired(now, expired);
                }
            }
            for (Watch watch : expired) {
                watch.expire();
            }
            expired.clear();
            if (!empty) {
                idleSince = now;
            } else if (now - idleSince >= lingerNanos && stopIdle()) {
                return;
            }
            LockSupport.parkNanos(this, tickNanos);
        }
    }

    /** Returns whether the thread may end: nothing to watch, and no watch arrived meanwhile. */
    private boolean stopIdle() {
        if (!state.compareAndSet(RUNNING, STOPPED)) {
            return true;
        }
        // a watch linked before the state change was seen by nobody: keep running for it
        if (inFlight() == 0) {
            return true;
        }
        return !state.compareAndSet(STOPPED, RUNNING);
    }

    @Override
    public String toString() {
        return "Watchdog[" + threadName + ", " + (isRunning() ? "running" : "stopped") + "]";
    }

    /** One list of watches with its lock; watches are striped by thread to keep the lock uncontended. */
    private static final class Stripe {
        // all fields guarded by this
        private @Nullable Watch first;
        private int size;

        void link(Watch watch) {
            watch.next = first;
            if (first != null) {
                first.prev = watch;
            }
            first = watch;
            watch.linked = true;
            size++;
        }

        void unlink(Watch watch) {
            if (watch.prev != null) {
                watch.prev.next = watch.next;
            } else {
                first = watch.next;
            }
            if (watch.next != null) {
                watch.next.prev = watch.prev;
            }
            watch.prev = null;
            watch.next = null;
            watch.linked = false;
            size--;
        }

        void unlinkExpired(long now, List<Watch> expired) {
            Watch watch = first;
            while (watch != null) {
                Watch next = watch.next;
                if (now - watch.deadline >= 0) {
                    unlink(watch);
                    expired.add(watch);
                }
                watch = next;
            }
        }
    }

    /** One watched attempt. Ended exactly once, by the attempt or by the watchdog. */
    static final class Watch {
        private final Stripe stripe;
        private final long deadline;
        private final @Nullable Thread interruptee;
        private final DefaultCircuitBreaker.@Nullable Permit permit;
        // guarded by stripe
        private @Nullable Watch prev;
        private @Nullable Watch next;
        private boolean linked;
        /** Set by the watchdog once the permit is failed and the thread interrupted. */
        private volatile boolean expired;

        private Watch(Stripe stripe, long deadline, @Nullable Thread interruptee,
                DefaultCircuitBreaker.@Nullable Permit permit) {
            this.stripe = stripe;
            this.deadline = deadline;
            this.interruptee = interruptee;
            this.permit = permit;
        }

        /**
         * Ends the watch; called by the attempt's thread when the attempt returns or throws.
         *
         * @return {@code true} if the attempt ended in time; {@code false} if it timed out, in which
         *     case its permit is already failed and the interrupt the watchdog sent is cleared
         */
        boolean finish() {
            boolean late;
            synchronized (stripe) {
                if (linked) {
                    stripe.unlink(this);
                    late = System.nanoTime() - deadline >= 0;
                    if (!late) {
                        return true;
                    }
                } else {
                    late = false;
                }
            }
            if (late) {
                // past the deadline before the watchdog's tick came round (a busy machine): the same
                // answer as if it had, so a timeout never depends on when the watchdog thread ran
                if (permit != null) {
                    permit.timedOut();
                }
                return false;
            }
            // the watchdog took it: wait the moment it needs to fail the permit and interrupt
            for (int spins = 0; !expired; spins++) {
                if (spins < 100) {
                    Thread.onSpinWait();
                } else {
                    Thread.yield();
                }
            }
            if (interruptee != null) {
                Thread.interrupted();
            }
            return false;
        }

        /** Runs on the watchdog thread, after the watch was unlinked. */
        private void expire() {
            try {
                if (permit != null) {
                    permit.timedOut();
                }
            } catch (RuntimeException e) {
                LOG.warn("watchdog: failing the permit of a timed-out attempt failed", e);
            }
            try {
                if (interruptee != null) {
                    interruptee.interrupt();
                }
            } catch (RuntimeException e) {
                LOG.warn("watchdog: interrupting a timed-out attempt failed", e);
            } finally {
                expired = true;
            }
        }
    }
}
