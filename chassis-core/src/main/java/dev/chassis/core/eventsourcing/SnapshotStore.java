package dev.chassis.core.eventsourcing;

import java.util.Optional;

/**
 * Where snapshots are kept: the latest one per stream. Implementations never replace a snapshot
 * with one of a lower stream version, so a slow writer cannot set a stream back. Implementations are
 * thread-safe.
 */
public interface SnapshotStore {
    /**
     * The latest snapshot of a stream.
     *
     * @param stream the stream
     * @return its snapshot with the highest version, or empty if there is none
     */
    Optional<Snapshot> latest(String stream);

    /**
     * Keeps a snapshot unless the store holds one of the same stream at the same or a higher version.
     *
     * @param snapshot the snapshot
     * @return true if it was kept, false if a snapshot at the same or a higher version was there
     * @throws dev.chassis.core.ChassisException if the store failed
     */
    boolean save(Snapshot snapshot);
}
