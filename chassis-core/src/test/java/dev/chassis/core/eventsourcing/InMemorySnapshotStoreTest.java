package dev.chassis.core.eventsourcing;

/** Runs the snapshot store contract against {@link InMemorySnapshotStore}. */
class InMemorySnapshotStoreTest extends SnapshotStoreContract {
    private final InMemorySnapshotStore store = new InMemorySnapshotStore();

    @Override
    protected SnapshotStore store() {
        return store;
    }
}
