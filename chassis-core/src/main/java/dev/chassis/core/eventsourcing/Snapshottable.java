package dev.chassis.core.eventsourcing;

/**
 * Implemented by an {@link AggregateRoot} whose state may be saved as a {@link Snapshot}, so that a
 * {@link Repository} configured with {@link Repository.Builder#snapshots(SnapshotStore, int)} loads
 * it from the latest snapshot plus the events after it.
 *
 * <p>{@link #snapshot()} and {@link #restore(Object)} must be inverses: an aggregate restored from a
 * snapshot of another one, then given the same later events, must be in the same state.
 *
 * @param <S> the state type, usually a record that JSON can represent
 */
public interface Snapshottable<S> {
    /**
     * What the state is stored as; raise its version whenever {@code S} changes.
     *
     * @return the state's type name, schema version and class; the same for every instance
     */
    SnapshotType<S> snapshotType();

    /**
     * The aggregate's state now, as an immutable value.
     *
     * @return the state
     */
    S snapshot();

    /**
     * Replaces the state of a blank aggregate with a snapshot's; the repository then sets the
     * version and replays the later events.
     *
     * @param state a state that {@link #snapshot()} returned, possibly in another process
     */
    void restore(S state);
}
