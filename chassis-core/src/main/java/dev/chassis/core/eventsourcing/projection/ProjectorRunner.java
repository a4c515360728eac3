package dev.chassis.core.eventsourcing.projection;

import static java.util.Objects.requireNonNull;

import dev.chassis.core.NonRetryableException;
import dev.chassis.core.eventsourcing.EventStore;
import dev.chassis.core.eventsourcing.GlobalPosition;
import dev.chassis.core.eventsourcing.RecordedEvent;
import dev.chassis.core.lifecycle.LifecycleComponent;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one {@link Projection} against an {@link EventStore}: a daemon thread reads the events after
 * the projection's checkpoint ({@link EventStore#readAll}), applies a batch and stores the new
 * checkpoint in one {@link CheckpointStore#update} transaction, and repeats while there are more;
 * then it waits for the {@linkplain Builder#pollInterval(Duration) poll interval} or a
 * {@link #wake()}. After a restart it resumes from the committed checkpoint.
 *
 * <p>Inside the transaction the runner skips events at or before the checkpoint it finds there, so
 * several instances of a service may run the same projection on a shared database store: each event
 * is applied once. When the projection or a store fails, the runner logs a WARN and retries the same
 * events after a growing {@linkplain Builder#retryBackoff(Duration, Duration) backoff}, one event per
 * transaction until past the failed batch, so the events before a failing one still commit. An event that
 * fails every time (a poison event) stops the projection there: it is retried forever, never skipped,
 * and {@link #status()} names it until the projection is fixed.
 *
 * <p>A {@link LifecycleComponent}: add it to the service's lifecycle and shutdown stops it after the
 * current batch. Instances are thread-safe.
 *
 * <pre>{@code
 * ProjectorRunner runner = ProjectorRunner.builder(projection, eventStore, checkpoints)
 *         .batchSize(200)
 *         .pollInterval(Duration.ofMillis(100))
 *         .build();
 * runner.start();
 * }</pre>
 */
public final class ProjectorRunner implements LifecycleComponent, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ProjectorRunner.class);

    private final Projection projection;
    private final String projectionName;
    private final CheckpointStore checkpoints;
    private final Duration pollInterval;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final Clock clock;
    private final Batches batches;
    private final Progress progress = new Progress();

    private final Object lock = new Object();
    // guarded by lock
    private ProjectorStatus.State state = ProjectorStatus.State.NEW;
    private boolean wakeRequested;
    private @Nullable Thread worker;
    private @Nullable CompletableFuture<Void> pendingRebuild;

    private ProjectorRunner(Builder b) {
        this.projection = b.projection;
        this.projectionName = Names.check(b.projection.name());
        this.checkpoints = b.checkpoints;
        this.pollInterval = b.pollInterval;
        this.initialBackoff = b.initialBackoff;
        this.maxBackoff = b.maxBackoff;
        this.clock = b.clock;
        this.batches = new Batches(projection, projectionName, b.events, checkpoints, b.batchSize);
    }

    /**
     * A builder with the defaults: batches of 100, a poll interval of 100 ms, a retry backoff from
     * 200 ms doubling up to 10 s, the UTC system clock.
     *
     * @param projection the projection to run
     * @param events the store it follows
     * @param checkpoints where its checkpoint is kept, with its read model when that is in a database
     * @return a new builder
     */
    public static Builder builder(Projection projection, EventStore events, CheckpointStore checkpoints) {
        return new Builder(requireNonNull(projection, "projection"), requireNonNull(events, "events"),
                requireNonNull(checkpoints, "checkpoints"));
    }

    /** @return {@code "projector-"} and the projection's name */
    @Override
    public String name() {
        return "projector-" + projectionName;
    }

    /**
     * Starts the runner's thread. The checkpoint is loaded on that thread, so a database that is not
     * reachable yet delays the projection, not the start.
     *
     * @throws IllegalStateException if already started or closed
     */
    @Override
    public void start() {
        synchronized (lock) {
            if (state != ProjectorStatus.State.NEW) {
                throw new IllegalStateException(name() + " was started before (state " + state + "); build a new runner");
            }
            state = ProjectorStatus.State.RUNNING;
            Thread t = new Thread(this::run, name());
            t.setDaemon(true);
            worker = t;
            t.start();
        }
    }

    /** Stops the runner: {@link #close()}. */
    @Override
    public void stop() {
        close();
    }

    /**
     * Stops the runner's thread and waits until it has ended: a batch being applied is finished (and
     * committed or rolled back) first; a backoff or poll wait is cut short. Idempotent. If the calling
     * thread is interrupted while waiting, the runner's thread is interrupted too and this returns.
     */
    @Override
    public void close() {
        Thread t;
        synchronized (lock) {
            if (state == ProjectorStatus.State.NEW) {
                state = ProjectorStatus.State.STOPPED;
                return;
            }
            if (state == ProjectorStatus.State.RUNNING) {
                state = ProjectorStatus.State.STOPPING;
            }
            lock.notifyAll();
            t = worker;
        }
        if (t == null || t == Thread.currentThread()) {
            return;
        }
        try {
            t.join();
        } catch (InterruptedException e) {
            t.interrupt();
            Thread.currentThread().interrupt();
        }
    }

    /** Makes a waiting runner read the store now instead of after the poll interval, e.g. after an append. */
    public void wake() {
        synchronized (lock) {
            wakeRequested = true;
            lock.notifyAll();
        }
    }

    /**
     * Rebuilds the read model from the first event: clears it ({@link Projection#reset}) and sets the
     * checkpoint back to the start in one transaction, then lets the runner replay every event. Returns
     * once the reset has committed; the replay goes on in the background ({@link #status()} shows
     * when it has caught up). A running runner does the reset on its own thread between two batches;
     * a runner that was not started does it on the calling thread.
     *
     * @throws IllegalStateException if the runner is closed
     * @throws UnsupportedOperationException if the projection does not override {@link Projection#reset}
     * @throws RuntimeException what the reset threw (checked exceptions wrapped in a
     *     {@link NonRetryableException}); the read model and checkpoint are unchanged
     */
    public void rebuild() {
        CompletableFuture<Void> done;
        synchronized (lock) {
            if (state == ProjectorStatus.State.STOPPING || state == ProjectorStatus.State.STOPPED) {
                throw new IllegalStateException(name() + " is closed; rebuild with a runner that is new or running");
            }
            if (state == ProjectorStatus.State.NEW) {
                done = null;
            } else {
                done = pendingRebuild != null ? pendingRebuild : new CompletableFuture<>();
                pendingRebuild = done;
                lock.notifyAll();
            }
        }
        if (done == null) {
            resetNow();
            return;
        }
        try {
            done.join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof RuntimeException ? (RuntimeException) cause
                    : new NonRetryableException("rebuild of projection '" + projectionName + "' failed: " + cause, cause);
        }
    }

    /**
     * A snapshot of where the runner is.
     *
     * @return the status
     */
    public ProjectorStatus status() {
        ProjectorStatus.State current;
        synchronized (lock) {
            current = state;
        }
        return progress.snapshot(projectionName, current);
    }

    /**
     * The checkpoint this runner last read or committed.
     *
     * @return the position, {@link GlobalPosition#START} before the runner loaded it
     */
    public GlobalPosition position() {
        GlobalPosition position = progress.position();
        return position == null ? GlobalPosition.START : position;
    }

    private void run() {
        try {
            while (true) {
                CompletableFuture<Void> rebuild;
                synchronized (lock) {
                    if (state != ProjectorStatus.State.RUNNING) {
                        break;
                    }
                    rebuild = pendingRebuild;
                    pendingRebuild = null;
                }
                if (rebuild != null) {
                    rebuildOnWorker(rebuild);
                    continue;
                }
                Duration pause;
                try {
                    pause = step() ? Duration.ZERO : pollInterval;
                } catch (Exception | LinkageError | AssertionError e) {
                    pause = failed(e);
                }
                if (!pause.isZero()) {
                    pause(pause);
                }
            }
        } catch (InterruptedException e) {
            log.info("{} interrupted while stopping; the current batch was rolled back if it had not committed", name());
        } finally {
            synchronized (lock) {
                state = ProjectorStatus.State.STOPPED;
                if (pendingRebuild != null) {
                    pendingRebuild.completeExceptionally(new IllegalStateException(name() + " closed before the rebuild ran"));
                    pendingRebuild = null;
                }
            }
        }
    }

    private void rebuildOnWorker(CompletableFuture<Void> rebuild) {
        try {
            resetNow();
            rebuild.complete(null);
        } catch (Throwable t) {
            rebuild.completeExceptionally(t);
        }
    }

    private void resetNow() {
        try {
            checkpoints.reset(projectionName, projection::reset);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new NonRetryableException("rebuild of projection '" + projectionName + "' failed: reset threw " + e, e);
        }
        batches.reset();
        progress.reset();
        log.info("{} reset its read model and checkpoint; replaying from the first event", name());
    }

    /** Applies one batch; returns whether there may be more events right away. */
    private boolean step() throws Exception {
        GlobalPosition from = progress.position();
        if (from == null) {
            from = checkpoints.position(projectionName);
        }
        Batches.Result result = batches.next(from);
        int failedBefore = progress.succeeded(result.reached(), result.applied(), result.last(), result.more(),
                clock.instant());
        if (failedBefore > 0) {
            log.info("{} succeeded again after {} failed attempts", name(), failedBefore);
        }
        return result.more();
    }

    private Duration failed(Throwable e) {
        RecordedEvent event = batches.failed();
        int failures = progress.failed(e, event);
        Duration backoff = backoff(failures);
        if (event != null) {
            log.warn("{} failed on event {} ({} at {}), attempt {}; retrying in {} ms, the event is not skipped",
                    name(), event.id(), event.type(), event.position(), failures, backoff.toMillis(), e);
        } else {
            log.warn("{} failed, attempt {}; retrying in {} ms", name(), failures, backoff.toMillis(), e);
        }
        return backoff;
    }

    private Duration backoff(int failures) {
        int doublings = Math.min(failures - 1, 30);
        long millis = initialBackoff.toMillis() << doublings;
        return millis <= 0 || millis > maxBackoff.toMillis() ? maxBackoff : Duration.ofMillis(millis);
    }

    /** Waits until the pause has passed, or a wake, a rebuild or close. */
    private void pause(Duration pause) throws InterruptedException {
        long deadline = System.nanoTime() + pause.toNanos();
        synchronized (lock) {
            while (!wakeRequested && state == ProjectorStatus.State.RUNNING && pendingRebuild == null) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                lock.wait(Math.max(1, left / 1_000_000));
            }
            wakeRequested = false;
        }
    }

    @Override
    public String toString() {
        return "ProjectorRunner[" + projectionName + "]";
    }

    /**
     * Configures a {@link ProjectorRunner}; {@link #build()} copies the settings. Not thread-safe.
     */
    public static final class Builder {
        private final Projection projection;
        private final EventStore events;
        private final CheckpointStore checkpoints;
        private int batchSize = 100;
        private Duration pollInterval = Duration.ofMillis(100);
        private Duration initialBackoff = Duration.ofMillis(200);
        private Duration maxBackoff = Duration.ofSeconds(10);
        private Clock clock = Clock.systemUTC();

        private Builder(Projection projection, EventStore events, CheckpointStore checkpoints) {
            this.projection = projection;
            this.events = events;
            this.checkpoints = checkpoints;
        }

        /**
         * How many events one transaction applies at most; default 100.
         *
         * @param batchSize at least 1
         * @return this builder
         */
        public Builder batchSize(int batchSize) {
            if (batchSize < 1) {
                throw new IllegalArgumentException("batchSize must be at least 1, was " + batchSize);
            }
            this.batchSize = batchSize;
            return this;
        }

        /**
         * How long the runner waits for new events once it has caught up; default 100 ms.
         * {@link ProjectorRunner#wake()} cuts a wait short.
         *
         * @param pollInterval positive
         * @return this builder
         */
        public Builder pollInterval(Duration pollInterval) {
            this.pollInterval = positive(pollInterval, "pollInterval");
            return this;
        }

        /**
         * How long the runner waits before retrying after a failure: {@code initial}, doubled after each
         * further failure in a row, at most {@code max}; default 200 ms to 10 s.
         *
         * @param initial the first wait, positive
         * @param max the longest wait, at least {@code initial}
         * @return this builder
         */
        public Builder retryBackoff(Duration initial, Duration max) {
            positive(initial, "initial");
            positive(max, "max");
            if (max.compareTo(initial) < 0) {
                throw new IllegalArgumentException("max backoff " + max + " is shorter than the initial " + initial);
            }
            this.initialBackoff = initial;
            this.maxBackoff = max;
            return this;
        }

        /**
         * The clock that dates {@link ProjectorStatus#lastCommitAt()}; default {@link Clock#systemUTC()}.
         *
         * @param clock the clock
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Builds the runner, not started.
         *
         * @return the runner
         * @throws IllegalArgumentException if the projection's name is blank or longer than 200 characters
         */
        public ProjectorRunner build() {
            return new ProjectorRunner(this);
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
