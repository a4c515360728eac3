package dev.chassis.messaging.outbox;

import dev.chassis.core.outbox.OutboxMessage;
import dev.chassis.core.outbox.OutboxStore;
import dev.chassis.testkit.outbox.OutboxStoreCompatibilityKit;
import java.time.Clock;
import java.util.List;

class InMemoryOutboxStoreTest extends OutboxStoreCompatibilityKit {
    private InMemoryOutbox outbox;

    @Override
    protected OutboxStore createStore(Clock clock) {
        outbox = InMemoryOutbox.create(clock);
        return outbox.store();
    }

    @Override
    protected void commit(List<OutboxMessage> messages) {
        messages.forEach(outbox::add);
    }
}
