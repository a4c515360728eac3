package dev.chassis.core.eventsourcing.projection;

import static java.util.Objects.requireNonNull;

import dev.chassis.core.eventsourcing.GlobalPosition;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * A snapshot of a {@link ProjectorRunner}: where it is, whether it has caught up, and whether it is
 * stuck on a failing event. Immutable.
 *
 * <pre>{@code
 * ProjectorStatus status = runner.status();
 * if (status.failing()) {
 *     log.warn("projection {} stuck at event {}: {}", status.projection(), status.failingEventId(), status.lastError());
 * }
 * }</pre>
 *
 * @param projection the projection's name
 * @param state the runner's lifecycle state
 * @param position the checkpoint this runner last read or committed, {@code null} before it loaded one
 * @param caughtUp whether the last read found no more events than it applied (the runner waits for new ones)
 * @param applied how many events this runner applied (and committed) since it was built
 * @param lastCommitAt when this runner last committed a batch, {@code null} if never
 * @param lastEventRecordedAt when the last event this runner committed was appended, {@code null} if
 *     none: how current the read model is
 * @param consecutiveFailures how many attempts in a row failed, 0 when the last one succeeded
 * @param lastError the last failure's class and message while failing, else {@code null}
 * @param failingEventId the id of the event the projection threw on while failing, {@code null} if
 *     none or the store failed
 * @param failingEventPosition that event's position, {@code null} likewise
 */
public record ProjectorStatus(String projection, State state, @Nullable GlobalPosition position, boolean caughtUp,
        long applied, @Nullable Instant lastCommitAt, @Nullable Instant lastEventRecordedAt, int consecutiveFailures,
        @Nullable String lastError, @Nullable String failingEventId, @Nullable GlobalPosition failingEventPosition) {

    /** The runner's lifecycle. */
    public enum State {
        /** Built, not started. */
        NEW,
        /** Its thread applies events or waits for new ones. */
        RUNNING,
        /** {@link ProjectorRunner#close()} was called; the current batch is finishing. */
        STOPPING,
        /** Its thread has ended. */
        STOPPED
    }

    /** Checks the components. */
    public ProjectorStatus {
        requireNonNull(projection, "projection");
        requireNonNull(state, "state");
    }

    /**
     * Whether the last attempt failed: the projection or a store threw and the batch will be retried.
     *
     * @return true while failing
     */
    public boolean failing() {
        return consecutiveFailures > 0;
    }
}
