package dev.chassis.core.eventsourcing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * An {@link InMemoryEventStore} that the tests watch and steer: it records every stream read (from
 * which version, how many events came back), counts appends and conflicts, and can run another
 * writer's append just before an append goes through.
 */
final class RepositoryProbeStore implements EventStore {
    /** One call of {@link #read(String, long)}. */
    record Read(String stream, long fromVersion, int returned) {
    }

    final InMemoryEventStore delegate = new InMemoryEventStore();
    final List<Read> reads = new CopyOnWriteArrayList<>();
    final AtomicInteger appends = new AtomicInteger();
    final AtomicInteger conflicts = new AtomicInteger();
    private volatile Consumer<String> beforeAppend = stream -> { };

    /** Runs {@code hook} with the stream name before each append reaches the store. */
    void beforeAppend(Consumer<String> hook) {
        this.beforeAppend = hook;
    }

    @Override
    public AppendResult append(String stream, ExpectedVersion expected, List<NewEvent> events) {
        beforeAppend.accept(stream);
        appends.incrementAndGet();
        try {
            return delegate.append(stream, expected, events);
        } catch (ConcurrencyException e) {
            conflicts.incrementAndGet();
            throw e;
        }
    }

    @Override
    public List<RecordedEvent> read(String stream, long fromVersion) {
        List<RecordedEvent> events = delegate.read(stream, fromVersion);
        reads.add(new Read(stream, fromVersion, events.size()));
        return events;
    }

    @Override
    public long version(String stream) {
        return delegate.version(stream);
    }

    @Override
    public List<RecordedEvent> readAll(GlobalPosition after, int limit) {
        return delegate.readAll(after, limit);
    }
}
