package dev.chassis.core.eventsourcing;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * An {@link EventStore} in memory, for tests and the embedded defaults. Appends are serialized, so
 * the store-wide order is the append order. Nothing survives the JVM. Thread-safe.
 */
public final class InMemoryEventStore implements EventStore {
    private final Clock clock;
    private final Map<String, List<RecordedEvent>> streams = new HashMap<>();
    private final Map<String, RecordedEvent> byId = new HashMap<>();
    private final List<RecordedEvent> all = new ArrayList<>();

    /** A store using the UTC system clock. */
    public InMemoryEventStore() {
        this(Clock.systemUTC());
    }

    /**
     * A store using the given clock for {@link RecordedEvent#recordedAt()}.
     *
     * @param clock the clock
     */
    public InMemoryEventStore(Clock clock) {
        this.clock = requireNonNull(clock, "clock");
    }

    @Override
    public synchronized AppendResult append(String stream, ExpectedVersion expected, List<NewEvent> events) {
        StreamNames.check(stream);
        requireNonNull(expected, "expected");
        List<NewEvent> batch = StreamNames.checkEvents(events);
        List<RecordedEvent> existing = streams.getOrDefault(stream, List.of());
        AppendResult replay = idempotentReplay(stream, batch);
        if (replay != null) {
            return replay;
        }
        long actual = existing.size();
        if (!expected.matches(actual)) {
            throw new ConcurrencyException(stream, expected, actual);
        }
        List<RecordedEvent> target = streams.computeIfAbsent(stream, s -> new ArrayList<>());
        long version = actual;
        for (NewEvent e : batch) {
            version++;
            long seq = all.size() + 1L;
            RecordedEvent r = new RecordedEvent(stream, version, new GlobalPosition(seq, seq), e.id(), e.type(),
                    e.typeVersion(), e.data(), e.metadata(), clock.instant());
            target.add(r);
            byId.put(e.id(), r);
            all.add(r);
        }
        return new AppendResult(stream, actual + 1, version);
    }

    /** The original result when every id is already stored, in order, in this stream; null when none is. */
    private @Nullable AppendResult idempotentReplay(String stream, List<NewEvent> batch) {
        RecordedEvent first = byId.get(batch.get(0).id());
        boolean anyKnown = batch.stream().anyMatch(e -> byId.containsKey(e.id()));
        if (!anyKnown) {
            return null;
        }
        List<RecordedEvent> existing = streams.getOrDefault(stream, List.of());
        if (first != null && first.stream().equals(stream)) {
            boolean same = true;
            for (int i = 0; i < batch.size(); i++) {
                long v = first.version() + i;
                if (v > existing.size() || !existing.get((int) v - 1).id().equals(batch.get(i).id())) {
                    same = false;
                    break;
                }
            }
            if (same) {
                return new AppendResult(stream, first.version(), first.version() + batch.size() - 1);
            }
        }
        throw StreamNames.idsElsewhere(stream);
    }

    @Override
    public synchronized List<RecordedEvent> read(String stream, long fromVersion) {
        requireNonNull(stream, "stream");
        List<RecordedEvent> events = streams.getOrDefault(stream, List.of());
        int from = (int) Math.min(events.size(), Math.max(0, fromVersion - 1));
        return List.copyOf(events.subList(from, events.size()));
    }

    @Override
    public synchronized long version(String stream) {
        return streams.getOrDefault(requireNonNull(stream, "stream"), List.of()).size();
    }

    @Override
    public synchronized List<RecordedEvent> readAll(GlobalPosition after, int limit) {
        requireNonNull(after, "after");
        if (limit <= 0) {
            throw new IllegalArgumentException("limit must be positive, was " + limit);
        }
        int from = (int) Math.min(all.size(), after.sequence());
        return List.copyOf(all.subList(from, Math.min(all.size(), from + limit)));
    }
}
