package dev.chassis.testkit.eventsourcing;

import dev.chassis.core.eventsourcing.EventStore;
import dev.chassis.core.eventsourcing.InMemoryEventStore;
import java.time.Clock;

class InMemoryEventStoreCompatibilityTest extends EventStoreCompatibilityKit {
    @Override
    protected EventStore createStore(Clock clock) {
        return new InMemoryEventStore(clock);
    }
}
