package dev.chassis.core.saga;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * A {@link SagaStore} in memory, for tests and single-process tools: saves are atomic under one lock,
 * and the messages of a save are handed to a sink (a queue, an event bus publisher) after the save,
 * on the saving thread, in order. Lease expiry is judged by the store's clock. Nothing survives the
 * process; a saga "restart" is a new orchestrator on the same store.
 *
 * <pre>{@code
 * List<SagaMessage> sent = new CopyOnWriteArrayList<>();
 * SagaStore store = InMemorySagaStore.create(Clock.systemUTC(), sent::add);
 * }</pre>
 *
 * <p>Instances are thread-safe and intended to be shared.
 */
public final class InMemorySagaStore implements SagaStore {
    private static final Comparator<SagaInstance> BY_DEADLINE = Comparator
            .comparing((SagaInstance i) -> requireNonNull(i.deadline())).thenComparing(SagaInstance::id);

    private final Object lock = new Object();
    private final Clock clock;
    private final Consumer<SagaMessage> sink;
    private final TreeMap<String, SagaInstance> sagas = new TreeMap<>();
    private final Map<String, Lease> leases = new HashMap<>();

    private record Lease(String owner, Instant until) {
    }

    private InMemorySagaStore(Clock clock, Consumer<SagaMessage> sink) {
        this.clock = clock;
        this.sink = sink;
    }

    /**
     * A store on the system clock that drops the messages it is given.
     *
     * @return a new, empty store
     */
    public static InMemorySagaStore create() {
        return create(Clock.systemUTC(), message -> { });
    }

    /**
     * A store on the system clock.
     *
     * @param sink receives the messages of every successful save, after the save
     * @return a new, empty store
     */
    public static InMemorySagaStore create(Consumer<SagaMessage> sink) {
        return create(Clock.systemUTC(), sink);
    }

    /**
     * A store.
     *
     * @param clock judges lease expiry
     * @param sink receives the messages of every successful save, after the save
     * @return a new, empty store
     */
    public static InMemorySagaStore create(Clock clock, Consumer<SagaMessage> sink) {
        return new InMemorySagaStore(requireNonNull(clock, "clock"), requireNonNull(sink, "sink"));
    }

    @Override
    public void insert(SagaInstance instance, List<SagaMessage> outgoing) {
        requireNonNull(instance, "instance");
        List<SagaMessage> messages = List.copyOf(requireNonNull(outgoing, "outgoing"));
        synchronized (lock) {
            if (sagas.containsKey(instance.id())) {
                throw new IllegalStateException("a saga with id '" + instance.id() + "' exists already");
            }
            sagas.put(instance.id(), instance);
        }
        messages.forEach(sink);
    }

    @Override
    public boolean update(SagaInstance instance, List<SagaMessage> outgoing) {
        requireNonNull(instance, "instance");
        List<SagaMessage> messages = List.copyOf(requireNonNull(outgoing, "outgoing"));
        synchronized (lock) {
            SagaInstance stored = sagas.get(instance.id());
            if (stored == null || stored.revision() != instance.revision() - 1) {
                return false;
            }
            sagas.put(instance.id(), instance);
        }
        messages.forEach(sink);
        return true;
    }

    @Override
    public Optional<SagaInstance> find(String id) {
        requireNonNull(id, "id");
        synchronized (lock) {
            return Optional.ofNullable(sagas.get(id));
        }
    }

    @Override
    public List<SagaInstance> due(Instant now, int limit) {
        requireNonNull(now, "now");
        checkLimit(limit);
        synchronized (lock) {
            return sagas.values().stream()
                    .filter(i -> !i.state().isFinal() && i.deadline() != null && !i.deadline().isAfter(now))
                    .sorted(BY_DEADLINE)
                    .limit(limit)
                    .toList();
        }
    }

    @Override
    public List<SagaInstance> inState(SagaState state, String afterId, int limit) {
        requireNonNull(state, "state");
        requireNonNull(afterId, "afterId");
        checkLimit(limit);
        List<SagaInstance> found = new ArrayList<>();
        synchronized (lock) {
            for (SagaInstance i : sagas.tailMap(afterId, false).values()) {
                if (found.size() == limit) {
                    break;
                }
                if (i.state() == state) {
                    found.add(i);
                }
            }
        }
        return found;
    }

    @Override
    public boolean lease(String id, String owner, Instant until) {
        requireNonNull(id, "id");
        requireNonNull(owner, "owner");
        requireNonNull(until, "until");
        synchronized (lock) {
            Lease held = leases.get(id);
            if (held == null || held.owner().equals(owner) || !held.until().isAfter(clock.instant())) {
                leases.put(id, new Lease(owner, until));
                return true;
            }
            return false;
        }
    }

    @Override
    public void release(String id, String owner) {
        requireNonNull(id, "id");
        requireNonNull(owner, "owner");
        synchronized (lock) {
            Lease held = leases.get(id);
            if (held != null && held.owner().equals(owner)) {
                leases.remove(id);
            }
        }
    }

    private static void checkLimit(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be positive, was " + limit);
        }
    }
}
