package dev.chassis.core.eventsourcing;

import static java.util.Objects.requireNonNull;

import dev.chassis.core.context.CorrelationContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads and saves one kind of {@link AggregateRoot} through an {@link EventStore}. Each aggregate is
 * one stream, named by a prefix and its id ({@code "order-" + id}). {@link #load(String)} replays the
 * stream into a blank aggregate (decoding and upcasting each event through the {@link EventTypes});
 * {@link #save(AggregateRoot)} appends the aggregate's new events, expecting the stream to be at the
 * version it was loaded at, so of two writers who loaded the same version only the first succeeds and
 * the second gets a {@link ConcurrencyException}.
 *
 * <p>Every saved event carries the current {@link CorrelationContext}'s ids in its metadata, under
 * {@value #CORRELATION_ID} and {@value #CAUSATION_ID}.
 *
 * <p>With {@link Builder#snapshots(SnapshotStore, int) snapshots} configured, the aggregate class
 * must implement {@link Snapshottable}; loading starts from the latest snapshot whose
 * {@link SnapshotType} matches today's and replays only the later events, and a save that reaches
 * or passes a multiple of "every" events writes a new snapshot. Snapshots that do not match (another
 * type name or version), cannot be read or cannot be restored are ignored: the aggregate is replayed
 * from its first event. A snapshot that cannot be written is logged as a WARN and does not fail the
 * save.
 *
 * <p>Instances are immutable, thread-safe and intended to be shared; the aggregates they return
 * are not.
 *
 * <pre>{@code
 * Repository<Order> orders = Repository.builder(Order.class, Order::new)
 *         .eventStore(store)
 *         .eventTypes(types)
 *         .streamPrefix("order-")
 *         .build();
 * Order order = new Order("42");
 * order.place("ada");
 * orders.save(order);
 * orders.update("42", o -> o.pay(1250));   // load, run, save; retried on ConcurrencyException
 * }</pre>
 *
 * @param <A> the aggregate type
 */
public final class Repository<A extends AggregateRoot> {
    /** The metadata key of the correlation id of the work that saved an event. */
    public static final String CORRELATION_ID = "correlationId";
    /** The metadata key of the id of the message or request that caused an event. */
    public static final String CAUSATION_ID = "causationId";

    private static final Logger LOG = LoggerFactory.getLogger(Repository.class);

    private final Class<A> type;
    private final Function<String, ? extends A> factory;
    private final EventStore store;
    private final EventTypes types;
    private final String streamPrefix;
    private final @Nullable RepositorySnapshots snapshots;
    private final int maxAttempts;

    private Repository(Builder<A> b, EventStore store, EventTypes types, String streamPrefix) {
        this.type = b.type;
        this.factory = b.factory;
        this.store = store;
        this.types = types;
        this.streamPrefix = streamPrefix;
        this.snapshots = b.snapshots == null ? null : new RepositorySnapshots(b.snapshots, b.snapshotEvery, types.codec());
        this.maxAttempts = b.maxAttempts;
    }

    /**
     * A builder for a repository of the given aggregate class.
     *
     * @param type the aggregate class
     * @param factory makes a blank aggregate with the given id, e.g. {@code Order::new}; called for
     *     every load
     * @param <A> the aggregate type
     * @return a new builder
     */
    public static <A extends AggregateRoot> Builder<A> builder(Class<A> type, Function<String, ? extends A> factory) {
        return new Builder<>(requireNonNull(type, "type"), requireNonNull(factory, "factory"));
    }

    /**
     * The stream an aggregate is kept in.
     *
     * @param id the aggregate's id
     * @return the stream prefix followed by the id
     */
    public String streamName(String id) {
        NewEvent.requireText(id, "id");
        return streamPrefix + id;
    }

    /**
     * Loads an aggregate by replaying its stream (from the latest usable snapshot, if configured).
     *
     * @param id the aggregate's id
     * @return the aggregate at the stream's current version, or empty if the stream has no events
     * @throws EventTypesException if a stored event cannot be decoded
     * @throws dev.chassis.core.ChassisException if the event store failed
     */
    public Optional<A> load(String id) {
        String stream = streamName(id);
        A aggregate = snapshots == null ? blank(id) : snapshots.restore(stream, () -> blank(id));
        List<RecordedEvent> events = store.read(stream, aggregate.version() + 1);
        if (events.isEmpty() && aggregate.version() == 0) {
            return Optional.empty();
        }
        for (RecordedEvent event : events) {
            aggregate.replay(types.decode(event), event.version());
        }
        return Optional.of(aggregate);
    }

    /**
     * Appends the aggregate's uncommitted events to its stream, expecting the stream at the version
     * the aggregate was loaded at (no stream for a new aggregate), and marks them committed. Does
     * nothing if there are none.
     *
     * <p>If the store fails with an unknown outcome, the events stay uncommitted; saving again either
     * appends them or, when the first attempt did get through, fails with a
     * {@link ConcurrencyException}: reload and check.
     *
     * @param aggregate the aggregate, loaded by this repository or new
     * @throws ConcurrencyException if another writer appended to the stream since the aggregate was
     *     loaded, or a new aggregate's stream already exists; the aggregate keeps its events
     * @throws EventTypesException if an event's class is not registered; nothing is appended
     * @throws dev.chassis.core.ChassisException if the event store failed
     */
    public void save(A aggregate) {
        requireNonNull(aggregate, "aggregate");
        List<Object> events = aggregate.uncommittedEvents();
        if (events.isEmpty()) {
            return;
        }
        String stream = streamName(aggregate.id());
        Map<String, String> metadata = metadata();
        List<NewEvent> batch = new ArrayList<>(events.size());
        for (Object event : events) {
            batch.add(types.encode(event, metadata));
        }
        long base = aggregate.committedVersion();
        store.append(stream, ExpectedVersion.exactly(base), batch);
        aggregate.markCommitted();
        if (snapshots != null) {
            snapshots.afterSave(stream, aggregate, base);
        }
    }

    /**
     * Runs a command against an existing aggregate: loads it, passes it to {@code command}, saves it.
     * When another writer got there first ({@link ConcurrencyException}), reloads and runs the command
     * again, up to {@link Builder#maxAttempts(int)} attempts in all, without waiting in between. The
     * command may therefore run more than once: it must only decide and apply events, with no effects
     * outside the aggregate. Exceptions the command throws end the update at once, with nothing saved.
     *
     * <pre>{@code
     * Order paid = orders.update("42", order -> order.pay(1250));
     * }</pre>
     *
     * @param id the aggregate's id
     * @param command the command, e.g. {@code order -> order.pay(1250)}
     * @return the aggregate after the successful save
     * @throws NoSuchElementException if the aggregate's stream has no events
     * @throws ConcurrencyException if every attempt lost against another writer: the last attempt's,
     *     with the earlier ones {@linkplain Throwable#getSuppressed() suppressed}
     * @throws RuntimeException what the command threw
     */
    public A update(String id, Consumer<? super A> command) {
        requireNonNull(command, "command");
        List<ConcurrencyException> lost = new ArrayList<>();
        for (int attempt = 1; attempt <= maxAttempts; attempt++) {
            A aggregate = load(id).orElseThrow(() -> new NoSuchElementException(type.getSimpleName() + " '" + id
                    + "' does not exist: stream '" + streamName(id) + "' has no events"));
            command.accept(aggregate);
            try {
                save(aggregate);
                return aggregate;
            } catch (ConcurrencyException e) {
                LOG.debug("update of {} lost attempt {} of {} to another writer", streamName(id), attempt, maxAttempts);
                lost.add(e);
            }
        }
        ConcurrencyException last = lost.remove(lost.size() - 1);
        lost.forEach(last::addSuppressed);
        throw last;
    }

    private A blank(String id) {
        A aggregate = requireNonNull(factory.apply(id), "the factory returned null");
        if (!aggregate.id().equals(id) || aggregate.version() != 0 || !aggregate.uncommittedEvents().isEmpty()) {
            throw new IllegalStateException("the factory of " + type.getSimpleName() + " must return a blank aggregate"
                    + " with the given id '" + id + "', got id '" + aggregate.id() + "' at version " + aggregate.version());
        }
        return aggregate;
    }

    private static Map<String, String> metadata() {
        Optional<CorrelationContext> current = CorrelationContext.current();
        if (current.isEmpty()) {
            return Map.of();
        }
        Map<String, String> metadata = new HashMap<>();
        metadata.put(CORRELATION_ID, current.get().correlationId());
        current.get().causationId().ifPresent(c -> metadata.put(CAUSATION_ID, c));
        return metadata;
    }

    @Override
    public String toString() {
        return "Repository[" + type.getSimpleName() + ", streams '" + streamPrefix + "<id>']";
    }

    /**
     * Configures a {@link Repository}. The event store, the event types and the stream prefix are
     * required. Not thread-safe; {@link #build()} copies, so a builder may be reused.
     *
     * @param <A> the aggregate type
     */
    public static final class Builder<A extends AggregateRoot> {
        private final Class<A> type;
        private final Function<String, ? extends A> factory;
        private @Nullable EventStore store;
        private @Nullable EventTypes types;
        private @Nullable String streamPrefix;
        private @Nullable SnapshotStore snapshots;
        private int snapshotEvery;
        private int maxAttempts = 3;

        private Builder(Class<A> type, Function<String, ? extends A> factory) {
            this.type = type;
            this.factory = factory;
        }

        /**
         * The event store holding the streams. Required.
         *
         * @param store the store
         * @return this builder
         */
        public Builder<A> eventStore(EventStore store) {
            this.store = requireNonNull(store, "store");
            return this;
        }

        /**
         * The registry of the aggregate's event classes. Required.
         *
         * @param types the registry
         * @return this builder
         */
        public Builder<A> eventTypes(EventTypes types) {
            this.types = requireNonNull(types, "types");
            return this;
        }

        /**
         * The prefix of the aggregate's stream names, e.g. {@code "order-"} for {@code "order-42"}.
         * Required; persisted in the stream names, so never change it.
         *
         * @param prefix the prefix, not blank
         * @return this builder
         */
        public Builder<A> streamPrefix(String prefix) {
            NewEvent.requireText(prefix, "prefix");
            this.streamPrefix = prefix;
            return this;
        }

        /**
         * Loads from and writes snapshots: after a save that reaches or passes a multiple of
         * {@code every} events, the aggregate's state is written to {@code store}. The aggregate
         * class must implement {@link Snapshottable}. None by default.
         *
         * @param store the snapshot store
         * @param every the number of events between snapshots, positive
         * @return this builder
         * @throws IllegalArgumentException if {@code every} is not positive
         */
        public Builder<A> snapshots(SnapshotStore store, int every) {
            requireNonNull(store, "store");
            if (every <= 0) {
                throw new IllegalArgumentException("snapshot every must be positive, was " + every);
            }
            this.snapshots = store;
            this.snapshotEvery = every;
            return this;
        }

        /**
         * How often {@link Repository#update(String, Consumer)} tries in all when other writers keep
         * winning. 3 by default.
         *
         * @param attempts at least 1
         * @return this builder
         * @throws IllegalArgumentException if {@code attempts} is below 1
         */
        public Builder<A> maxAttempts(int attempts) {
            if (attempts < 1) {
                throw new IllegalArgumentException("maxAttempts must be at least 1, was " + attempts);
            }
            this.maxAttempts = attempts;
            return this;
        }

        /**
         * Builds the repository.
         *
         * @return the repository
         * @throws IllegalStateException if the event store, the event types or the stream prefix is
         *     missing, or snapshots are configured for an aggregate class that is not
         *     {@link Snapshottable}
         */
        public Repository<A> build() {
            if (store == null || types == null || streamPrefix == null) {
                throw new IllegalStateException("a repository of " + type.getSimpleName() + " needs "
                        + (store == null ? "eventStore(...) " : "") + (types == null ? "eventTypes(...) " : "")
                        + (streamPrefix == null ? "streamPrefix(...) " : "") + "before build()");
            }
            if (snapshots != null && !Snapshottable.class.isAssignableFrom(type)) {
                throw new IllegalStateException("snapshots are configured for " + type.getName()
                        + ", which does not implement Snapshottable; implement it or drop snapshots(...)");
            }
            return new Repository<>(this, store, types, streamPrefix);
        }
    }
}
