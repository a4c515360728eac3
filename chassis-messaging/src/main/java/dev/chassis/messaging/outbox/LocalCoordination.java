package dev.chassis.messaging.outbox;

import dev.chassis.core.outbox.OutboxRecord;
import dev.chassis.core.outbox.OutboxStore;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The in-memory outbox's coordination: always the leader, with work on every add. Thread-safe; not
 * final only so that tests can lose notifications on purpose.
 */
class LocalCoordination implements Coordination {
    private final InMemoryOutbox outbox;
    private final OutboxStore store;
    private final Waiter waiter = new Waiter();
    private final Runnable listener = this::added;

    /**
     * @param outbox whose adds are the work
     * @param store what reads go to: the outbox's {@link InMemoryOutbox#store()}, or one wrapping it
     */
    LocalCoordination(InMemoryOutbox outbox, OutboxStore store) {
        this.outbox = outbox;
        this.store = store;
        outbox.onAdd(listener);
    }

    /** On the adding thread, after each add: new work, the notification of the in-memory outbox. */
    void added() {
        waiter.addWork();
    }

    @Override
    public boolean lead() {
        return true;
    }

    @Override
    public Optional<List<OutboxRecord>> readUnsent(int limit, Set<Long> excluding) {
        return Optional.of(store.unsent(limit, excluding));
    }

    @Override
    public boolean isLeader() {
        return true;
    }

    @Override
    public void awaitWork(long millis) throws InterruptedException {
        waiter.await(millis);
    }

    @Override
    public boolean workArrived() {
        return waiter.takeWork();
    }

    @Override
    public void wakeUp() {
        waiter.wake();
    }

    @Override
    public void close() {
        outbox.removeListener(listener);
    }
}
