package dev.chassis.messaging.outbox;

/** The in-memory outbox's coordination: always the leader, with work on every add. Thread-safe. */
final class LocalCoordination implements Coordination {
    private final InMemoryOutbox outbox;
    private final Waiter waiter = new Waiter();
    private final Runnable listener = waiter::addWork;

    LocalCoordination(InMemoryOutbox outbox) {
        this.outbox = outbox;
        outbox.onAdd(listener);
    }

    @Override
    public boolean lead() {
        return true;
    }

    @Override
    public boolean stillLeads() {
        return true;
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
