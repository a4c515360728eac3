package dev.chassis.core.eventsourcing.projection;

import dev.chassis.core.eventsourcing.EventStore;
import dev.chassis.core.eventsourcing.ExpectedVersion;
import dev.chassis.core.eventsourcing.NewEvent;
import dev.chassis.core.eventsourcing.RecordedEvent;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * A read model in memory for the runner's tests: the sum of {@code "amount.added"} events per stream,
 * and how often each event was applied. Thread-safe, so several runners can share it.
 */
final class Ledger implements Projection {
    static final String TYPE = "amount.added";

    final Map<String, Long> totals = new ConcurrentHashMap<>();
    final Map<String, Integer> applications = new ConcurrentHashMap<>();
    /** While set, applying the event with this id throws (before changing anything). */
    final Map<String, Boolean> poisoned = new ConcurrentHashMap<>();
    final AtomicInteger failures = new AtomicInteger();
    final AtomicBoolean concurrentApply = new AtomicBoolean();
    private final AtomicInteger inside = new AtomicInteger();
    private final String name;

    Ledger(String name) {
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean handles(String eventType) {
        return TYPE.equals(eventType);
    }

    @Override
    public void apply(ProjectionTransaction tx, RecordedEvent event) {
        if (inside.incrementAndGet() > 1) {
            concurrentApply.set(true);
        }
        try {
            if (poisoned.containsKey(event.id())) {
                failures.incrementAndGet();
                throw new IllegalStateException("cannot apply " + event.id());
            }
            totals.merge(event.stream(), amount(event), Long::sum);
            applications.merge(event.id(), 1, Integer::sum);
        } finally {
            inside.decrementAndGet();
        }
    }

    @Override
    public void reset(ProjectionTransaction tx) {
        totals.clear();
        applications.clear();
    }

    long duplicates() {
        return applications.values().stream().mapToLong(n -> n - 1L).sum();
    }

    long applied() {
        return applications.size();
    }

    static long amount(RecordedEvent event) {
        return Long.parseLong(event.data().replaceAll("[^0-9]", ""));
    }

    static NewEvent added(long amount) {
        return NewEvent.of(TYPE, 1, "{\"amount\":" + amount + "}");
    }

    static List<RecordedEvent> append(EventStore store, String stream, long amount) {
        store.append(stream, ExpectedVersion.any(), List.of(added(amount)));
        return store.read(stream);
    }

    /** The read model a fold of every event in the store gives. */
    static Map<String, Long> fold(EventStore store) {
        List<RecordedEvent> all = store.readAll(dev.chassis.core.eventsourcing.GlobalPosition.START, Integer.MAX_VALUE);
        return all.stream().filter(e -> e.type().equals(TYPE))
                .collect(Collectors.groupingBy(RecordedEvent::stream, TreeMap::new, Collectors.summingLong(Ledger::amount)));
    }

    Map<String, Long> totalsSorted() {
        return new TreeMap<>(totals);
    }
}
