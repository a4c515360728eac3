package dev.chassis.core.eventsourcing;

import static java.util.Objects.requireNonNull;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * A {@link SnapshotStore} in memory, for tests and the embedded defaults. Nothing survives the JVM.
 * Instances are thread-safe and intended to be shared.
 */
public final class InMemorySnapshotStore implements SnapshotStore {
    private final ConcurrentMap<String, Snapshot> latest = new ConcurrentHashMap<>();

    /** An empty store. */
    public InMemorySnapshotStore() {
    }

    @Override
    public Optional<Snapshot> latest(String stream) {
        return Optional.ofNullable(latest.get(requireNonNull(stream, "stream")));
    }

    @Override
    public boolean save(Snapshot snapshot) {
        requireNonNull(snapshot, "snapshot");
        Snapshot kept = latest.merge(snapshot.stream(), snapshot,
                (old, candidate) -> candidate.version() > old.version() ? candidate : old);
        return kept == snapshot;
    }
}
