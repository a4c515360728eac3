package dev.chassis.messaging.inbox;

import dev.chassis.core.inbox.InboxStore;
import dev.chassis.testkit.inbox.InboxStoreCompatibilityKit;

/** The in-memory store keeps every promise of the inbox store. */
class InMemoryInboxStoreTest extends InboxStoreCompatibilityKit {
    @Override
    protected InboxStore createStore() {
        return InMemoryInboxStore.create();
    }
}
