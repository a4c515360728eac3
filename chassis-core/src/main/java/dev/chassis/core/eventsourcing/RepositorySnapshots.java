package dev.chassis.core.eventsourcing;

import dev.chassis.core.json.JsonCodec;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The snapshot side of a {@link Repository}: restores an aggregate from the latest matching snapshot
 * and writes one after a save that passed a multiple of the interval. Every failure here falls back
 * to a full replay or a missing snapshot, never to a failed load or save. Thread-safe.
 */
final class RepositorySnapshots {
    private static final Logger LOG = LoggerFactory.getLogger(Repository.class);

    private final SnapshotStore store;
    private final int every;
    private final JsonCodec codec;

    RepositorySnapshots(SnapshotStore store, int every, JsonCodec codec) {
        this.store = store;
        this.every = every;
        this.codec = codec;
    }

    /** A blank aggregate, restored from the stream's latest usable snapshot if there is one. */
    <A extends AggregateRoot> A restore(String stream, Supplier<A> blank) {
        A aggregate = blank.get();
        Snapshot snapshot;
        try {
            snapshot = store.latest(stream).orElse(null);
        } catch (RuntimeException e) {
            LOG.warn("snapshot of {} not read, replaying all events: {}", stream, e.toString());
            return aggregate;
        }
        if (snapshot == null) {
            return aggregate;
        }
        try {
            if (restore((Snapshottable<?>) aggregate, snapshot)) {
                aggregate.restoredAt(snapshot.version());
            }
            return aggregate;
        } catch (RuntimeException e) {
            LOG.warn("snapshot of {} at version {} not restored, replaying all events: {}", stream, snapshot.version(),
                    e.toString());
            return blank.get(); // restore may have changed the first instance before it failed
        }
    }

    private <S> boolean restore(Snapshottable<S> target, Snapshot snapshot) {
        SnapshotType<S> expected = target.snapshotType();
        if (!expected.matches(snapshot)) {
            LOG.debug("snapshot of {} at version {} is '{}' v{}, today's is '{}' v{}: ignored, replaying all events",
                    snapshot.stream(), snapshot.version(), snapshot.type(), snapshot.typeVersion(), expected.name(),
                    expected.version());
            return false;
        }
        target.restore(codec.read(snapshot.state(), expected.stateClass()));
        return true;
    }

    /** Writes a snapshot if the save from {@code previousVersion} passed a multiple of the interval. */
    void afterSave(String stream, AggregateRoot aggregate, long previousVersion) {
        if (aggregate.version() / every <= previousVersion / every) {
            return;
        }
        try {
            Snapshottable<?> source = (Snapshottable<?>) aggregate;
            SnapshotType<?> type = source.snapshotType();
            store.save(new Snapshot(stream, aggregate.version(), type.name(), type.version(),
                    codec.writeString(source.snapshot())));
        } catch (RuntimeException e) {
            LOG.warn("snapshot of {} at version {} not written (the events are saved): {}", stream, aggregate.version(),
                    e.toString(), e);
        }
    }
}
