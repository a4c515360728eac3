package dev.chassis.testkit.eventsourcing;

import dev.chassis.core.eventsourcing.projection.CheckpointStore;
import dev.chassis.core.eventsourcing.projection.InMemoryCheckpointStore;

/** The in-memory checkpoint store keeps every promise of the kit. */
class InMemoryCheckpointStoreCompatibilityTest extends CheckpointStoreCompatibilityKit {
    @Override
    protected CheckpointStore createStore() {
        return InMemoryCheckpointStore.create();
    }
}
