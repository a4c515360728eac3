package dev.chassis.testkit.saga;

import dev.chassis.core.saga.InMemorySagaStore;
import dev.chassis.core.saga.SagaMessage;
import dev.chassis.core.saga.SagaStore;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Every promise of the {@link SagaStore} SPI, checked against the in-memory store. */
class InMemorySagaStoreCompatibilityTest extends SagaStoreCompatibilityKit {
    private final List<SagaMessage> sent = new CopyOnWriteArrayList<>();

    @Override
    protected SagaStore createStore(Clock clock) {
        return InMemorySagaStore.create(clock, sent::add);
    }

    @Override
    protected List<SagaMessage> sentMessages() {
        return List.copyOf(sent);
    }
}
