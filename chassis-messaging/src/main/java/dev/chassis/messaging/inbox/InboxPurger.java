package dev.chassis.messaging.inbox;

import static java.util.Objects.requireNonNull;

import dev.chassis.core.inbox.InboxStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the inbox bounded: every {@code interval} it deletes the records received more than
 * {@code retention} ago, {@code batchSize} per transaction, until none is left.
 *
 * <p>A message delivered again <em>after</em> its record was purged is handled again. Choose a
 * retention well above the longest time a message can still be redelivered: the retry policy's total
 * backoff, plus how long a message may wait in its queue or dead-letter queue before it is redriven,
 * plus the longest outage of the service you want to ride out. The default of 7 days suits retry
 * policies of minutes and dead letters redriven within days.
 *
 * <pre>{@code
 * InboxPurger purger = InboxPurger.builder(store)
 *         .retention(Duration.ofDays(7))
 *         .interval(Duration.ofMinutes(10))
 *         .build();
 * purger.start();
 * // ... at shutdown
 * purger.close();
 * }</pre>
 *
 * <p>Several instances of a service may each run a purger on the same table: deletes are idempotent.
 * Thread-safe.
 */
public final class InboxPurger implements AutoCloseable {
    /** The default retention: 7 days. */
    public static final Duration DEFAULT_RETENTION = Duration.ofDays(7);
    /** The default interval between runs: 10 minutes. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(10);
    /** The default records deleted per transaction: 1,000. */
    public static final int DEFAULT_BATCH_SIZE = 1_000;

    private static final Logger LOG = LoggerFactory.getLogger(InboxPurger.class);

    private final InboxStore store;
    private final Duration retention;
    private final Duration interval;
    private final int batchSize;
    private final Clock clock;
    private final ScheduledExecutorService scheduler;
    private final boolean ownsScheduler;
    private final Object lock = new Object();
    private @Nullable ScheduledFuture<?> run;
    private boolean closed;

    private InboxPurger(Builder b) {
        this.store = b.store;
        this.retention = b.retention;
        this.interval = b.interval;
        this.batchSize = b.batchSize;
        this.clock = b.clock;
        this.ownsScheduler = b.scheduler == null;
        this.scheduler = b.scheduler != null ? b.scheduler : Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "chassis-inbox-purger");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Starts a purger.
     *
     * @param store the store to purge
     * @return a builder with {@link #DEFAULT_RETENTION}, {@link #DEFAULT_INTERVAL}, {@link #DEFAULT_BATCH_SIZE},
     *     the system UTC clock and a scheduler thread of its own
     */
    public static Builder builder(InboxStore store) {
        return new Builder(requireNonNull(store, "store"));
    }

    /**
     * Schedules the runs: the first at once, then every interval. Does nothing when already started.
     *
     * @throws IllegalStateException if closed
     */
    public void start() {
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("inbox purger is closed");
            }
            if (run == null) {
                run = scheduler.scheduleWithFixedDelay(this::runQuietly, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
            }
        }
    }

    /**
     * Deletes every record older than the retention now, on the calling thread.
     *
     * @return how many records were deleted
     */
    public long purgeNow() {
        Instant cutoff = clock.instant().minus(retention);
        long total = 0;
        int deleted;
        do {
            deleted = store.purgeOlderThan(cutoff, batchSize);
            total += deleted;
        } while (deleted == batchSize);
        if (total > 0) {
            LOG.debug("inbox purger deleted {} records received before {}", total, cutoff);
        }
        return total;
    }

    private void runQuietly() {
        try {
            purgeNow();
        } catch (RuntimeException e) {
            // the next run tries again; a failing purge must not stop the schedule
            LOG.warn("inbox purge of {} failed; retrying in {}", store, interval, e);
        }
    }

    /** @return the retention */
    public Duration retention() {
        return retention;
    }

    /** Stops the schedule (a run in progress finishes) and shuts the scheduler down if the purger made it. */
    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
            if (run != null) {
                run.cancel(false);
                run = null;
            }
        }
        if (ownsScheduler) {
            scheduler.shutdown();
        }
    }

    /** Builds an {@link InboxPurger}. Not thread-safe; {@link #build()} copies. */
    public static final class Builder {
        private final InboxStore store;
        private Duration retention = DEFAULT_RETENTION;
        private Duration interval = DEFAULT_INTERVAL;
        private int batchSize = DEFAULT_BATCH_SIZE;
        private Clock clock = Clock.systemUTC();
        private @Nullable ScheduledExecutorService scheduler;

        private Builder(InboxStore store) {
            this.store = store;
        }

        /** @param retention how long records are kept, positive @return this builder */
        public Builder retention(Duration retention) {
            this.retention = positive(retention, "retention");
            return this;
        }

        /** @param interval the delay between the end of one run and the start of the next, positive @return this builder */
        public Builder interval(Duration interval) {
            this.interval = positive(interval, "interval");
            return this;
        }

        /** @param batchSize records deleted per transaction, at least 1 @return this builder */
        public Builder batchSize(int batchSize) {
            this.batchSize = Checks.batchSize(batchSize);
            return this;
        }

        /** @param clock tells the time the retention counts back from @return this builder */
        public Builder clock(Clock clock) {
            this.clock = requireNonNull(clock, "clock");
            return this;
        }

        /**
         * @param scheduler runs the purges; the caller keeps owning it (close does not shut it down)
         * @return this builder
         */
        public Builder scheduler(ScheduledExecutorService scheduler) {
            this.scheduler = requireNonNull(scheduler, "scheduler");
            return this;
        }

        /** @return the purger, not started */
        public InboxPurger build() {
            return new InboxPurger(this);
        }

        private static Duration positive(Duration d, String name) {
            requireNonNull(d, name);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + " must be positive, was " + d);
            }
            return d;
        }
    }
}
