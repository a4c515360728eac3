package dev.chassis.core.eventsourcing.projection;

import dev.chassis.core.eventsourcing.GlobalPosition;
import dev.chassis.core.eventsourcing.RecordedEvent;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link ProjectorRunner} has done so far, for {@link ProjectorRunner#status()}: written by
 * the runner's thread, read by any. Thread-safe.
 */
final class Progress {
    private final Object lock = new Object();
    private @Nullable GlobalPosition position;
    private boolean caughtUp;
    private long applied;
    private @Nullable Instant lastCommitAt;
    private @Nullable Instant lastEventRecordedAt;
    private int consecutiveFailures;
    private @Nullable String lastError;
    private @Nullable RecordedEvent failingEvent;

    /** The checkpoint last read or committed, null before one was loaded. */
    @Nullable GlobalPosition position() {
        synchronized (lock) {
            return position;
        }
    }

    /**
     * Records a successful read (and commit, when {@code last} is not null).
     *
     * @return how many attempts had failed in a row before this one
     */
    int succeeded(GlobalPosition reached, int count, @Nullable RecordedEvent last, boolean more, Instant now) {
        synchronized (lock) {
            int failedBefore = consecutiveFailures;
            position = reached;
            caughtUp = !more;
            applied += count;
            if (last != null) {
                lastCommitAt = now;
                lastEventRecordedAt = last.recordedAt();
            }
            clearFailure();
            return failedBefore;
        }
    }

    /**
     * Records a failed attempt.
     *
     * @return how many attempts have failed in a row, this one included
     */
    int failed(Throwable e, @Nullable RecordedEvent event) {
        synchronized (lock) {
            lastError = e.getClass().getName() + ": " + e.getMessage();
            failingEvent = event;
            return ++consecutiveFailures;
        }
    }

    /** Records a rebuild: back to the start, failures forgotten. */
    void reset() {
        synchronized (lock) {
            position = GlobalPosition.START;
            caughtUp = false;
            clearFailure();
        }
    }

    ProjectorStatus snapshot(String projection, ProjectorStatus.State state) {
        synchronized (lock) {
            RecordedEvent failing = failingEvent;
            return new ProjectorStatus(projection, state, position, caughtUp, applied, lastCommitAt,
                    lastEventRecordedAt, consecutiveFailures, lastError, failing == null ? null : failing.id(),
                    failing == null ? null : failing.position());
        }
    }

    private void clearFailure() {
        consecutiveFailures = 0;
        lastError = null;
        failingEvent = null;
    }
}
