package dev.chassis.core.saga;

import static java.util.Objects.requireNonNull;

import dev.chassis.core.admin.AdminRoute;
import dev.chassis.core.envelope.Envelope;
import dev.chassis.core.lifecycle.LifecycleComponent;
import io.opentelemetry.api.OpenTelemetry;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives sagas: starts them, executes their steps, applies participants' replies, fires timeouts and
 * retries from persisted deadlines, compensates, and saves every transition (with the commands it
 * sends) through a {@link SagaStore}.
 *
 * <pre>{@code
 * SagaOrchestrator orchestrator = SagaOrchestrator.builder(store)
 *         .definition(orderSaga)
 *         .clock(clock)
 *         .build();
 * String sagaId = orchestrator.start(orderSaga, new Order("o-1", 2, 40));
 * }</pre>
 *
 * <p>Each step's call runs in an {@code INTERNAL} span ({@code saga <type> <step>}, with
 * {@code chassis.saga.type}, {@code chassis.saga.id}, {@code chassis.saga.step},
 * {@code chassis.saga.phase} and {@code chassis.saga.attempt}) with the saga id as the current
 * correlation id; each command sent is a {@code PRODUCER} span whose trace context the command
 * carries; sagas that end are counted in {@code chassis.saga.outcomes} by type and outcome. See
 * {@link Builder#openTelemetry(OpenTelemetry)}.
 *
 * <p>Replies reach it through {@link #onReply}, typically from an event bus subscription:
 * {@code bus.subscribe(..., delivery -> orchestrator.onReply(delivery.envelope()))}. As a
 * {@link LifecycleComponent} it {@linkplain #recover() recovers} unfinished sagas on start and then
 * polls for due deadlines on a scheduler thread; tests call {@link #runDue()} instead.
 *
 * <p>Several orchestrators (one per service instance) may share a store: each drives a saga only
 * while it holds the saga's lease, and a save made from a stale revision is refused, so no saga is
 * driven twice. Each saga runs on the definition version it started with; a saga whose version is
 * not registered ends FAILED. Instances are thread-safe and intended to be shared.
 */
public final class SagaOrchestrator implements LifecycleComponent {
    private static final Logger log = LoggerFactory.getLogger(SagaOrchestrator.class);
    private static final int PAGE = 500;

    private final String name;
    private final SagaStore store;
    private final String owner;
    private final Duration pollInterval;
    private final int batchSize;
    private final Map<String, SagaEngine<?>> engines;
    private final SagaCounters counters;
    private final SagaDriver driver;
    private final Clock clock;
    private final Object schedulerLock = new Object();
    private @Nullable ScheduledExecutorService scheduler;

    private SagaOrchestrator(Builder b) {
        this.name = b.name;
        this.store = b.store;
        this.clock = b.clock;
        this.owner = b.owner;
        this.pollInterval = b.pollInterval;
        this.batchSize = b.batchSize;
        Map<String, SagaEngine<?>> map = new LinkedHashMap<>();
        for (SagaDefinition<?> d : b.definitions) {
            map.put(SagaDriver.key(d.type(), d.version()), new SagaEngine<>(d, b.source, b.clock));
        }
        this.engines = Map.copyOf(map);
        SagaTracing tracing = new SagaTracing(b.openTelemetry);
        this.counters = new SagaCounters(b.listener, tracing);
        this.driver = new SagaDriver(b.name, b.store, b.clock, b.owner, b.leaseDuration, b.listener, engines, counters,
                tracing);
    }

    /**
     * Starts configuring an orchestrator.
     *
     * @param store where sagas are kept
     * @return a builder
     */
    public static Builder builder(SagaStore store) {
        return new Builder(requireNonNull(store, "store"));
    }

    /**
     * Starts a saga with a random id.
     *
     * @param definition a registered definition
     * @param data the initial saga data
     * @param <S> the saga data type
     * @return the saga id
     * @throws IllegalArgumentException if the definition is not registered
     */
    public <S> String start(SagaDefinition<S> definition, S data) {
        return start(definition, UUID.randomUUID().toString(), data);
    }

    /**
     * Starts a saga with a chosen id (e.g. derived from the order id, so a redelivered
     * {@code order.created} cannot start a second saga). Saves it with its first command, then runs
     * its first steps for as long as they are calls.
     *
     * @param definition a registered definition
     * @param sagaId the id, unique
     * @param data the initial saga data
     * @param <S> the saga data type
     * @return the saga id
     * @throws IllegalArgumentException if the definition is not registered
     * @throws IllegalStateException if a saga with that id exists
     */
    public <S> String start(SagaDefinition<S> definition, String sagaId, S data) {
        requireNonNull(definition, "definition");
        requireNonNull(sagaId, "sagaId");
        requireNonNull(data, "data");
        return driver.start(definition, sagaId, data);
    }

    /**
     * Applies a participant's reply to its saga: a success moves the saga to its next step (or
     * completes it, or the next compensation), a failure reply fails the step (an action's failure
     * is final; a compensation's is retried). Late, duplicate, unknown and uncorrelated replies are
     * ignored and counted. Runs the following steps while they are calls.
     *
     * @param reply the reply, carrying the saga extensions of {@link SagaEnvelopes}
     * @return whether the reply was applied or ignored
     * @throws SagaBusyException if another orchestrator holds the saga or saved it first: redeliver the reply
     */
    public SagaReplyOutcome onReply(Envelope reply) {
        return driver.onReply(requireNonNull(reply, "reply"));
    }

    /**
     * Cancels a running saga: the completed steps and the current one (which may have acted) are
     * compensated in reverse order, and it ends COMPENSATED (or FAILED if a compensation keeps failing).
     *
     * @param sagaId the saga
     * @param reason why, recorded in its history
     * @return true if the saga was running and now compensates; false if unknown, already compensating or finished
     * @throws SagaBusyException if another orchestrator holds the saga: try again
     */
    public boolean cancel(String sagaId, String reason) {
        requireNonNull(sagaId, "sagaId");
        requireNonNull(reason, "reason");
        return driver.cancel(sagaId, reason);
    }

    /**
     * Handles the sagas whose deadline has passed (timeouts, retries, calls interrupted by a crash),
     * one batch. The scheduler thread calls it every poll interval; tests call it after moving their clock.
     * A saga that cannot be driven (its command function throws, the store fails) is logged and
     * skipped, so it does not hold up the others.
     *
     * @return how many sagas it drove (those leased by another orchestrator are left alone)
     */
    public int runDue() {
        List<SagaInstance> due = store.due(clock.instant(), batchSize);
        int driven = 0;
        for (SagaInstance instance : due) {
            if (driveSafely(instance.id())) {
                driven++;
            }
        }
        return driven;
    }

    private boolean driveSafely(String sagaId) {
        try {
            return driver.drive(sagaId);
        } catch (RuntimeException e) {
            log.warn("saga orchestrator '{}' could not drive saga {}; trying again later", name, sagaId, e);
            return false;
        }
    }

    /**
     * Resumes every unfinished saga after a restart: runs calls a crash interrupted, fires deadlines
     * that passed, and fails sagas whose definition version is not registered. Sagas waiting for a
     * reply within their timeout are left waiting (the command was saved with the state, so it is sent).
     *
     * @return how many unfinished sagas it looked at
     */
    public int recover() {
        int seen = 0;
        for (SagaState state : List.of(SagaState.RUNNING, SagaState.COMPENSATING)) {
            String after = "";
            while (true) {
                List<SagaInstance> page = store.inState(state, after, PAGE);
                for (SagaInstance instance : page) {
                    seen++;
                    driveSafely(instance.id());
                }
                if (page.size() < PAGE) {
                    break;
                }
                after = page.get(page.size() - 1).id();
            }
        }
        log.info("saga orchestrator '{}' recovered {} unfinished sagas", name, seen);
        return seen;
    }

    /**
     * The status of a saga.
     *
     * @param sagaId the saga
     * @return its status, empty if unknown
     */
    public Optional<SagaStatus> status(String sagaId) {
        requireNonNull(sagaId, "sagaId");
        return store.find(sagaId).map(this::statusOf);
    }

    /**
     * Sagas in a state, by ascending id, a page at a time.
     *
     * @param state the state
     * @param afterId ids after this one ({@code ""} from the start)
     * @param limit at most this many, positive
     * @return their statuses
     */
    public List<SagaStatus> inState(SagaState state, String afterId, int limit) {
        return store.inState(state, afterId, limit).stream().map(this::statusOf).toList();
    }

    /**
     * How many sagas the store holds in each state (reads them all, page by page: for status pages, not hot paths).
     *
     * @return counts for every state, in declaration order
     */
    public Map<SagaState, Long> counts() {
        Map<SagaState, Long> counts = new EnumMap<>(SagaState.class);
        for (SagaState state : SagaState.values()) {
            long n = 0;
            String after = "";
            while (true) {
                List<SagaInstance> page = store.inState(state, after, PAGE);
                n += page.size();
                if (page.size() < PAGE) {
                    break;
                }
                after = page.get(page.size() - 1).id();
            }
            counts.put(state, n);
        }
        return counts;
    }

    /** @return this orchestrator's counters */
    public SagaMetrics metrics() {
        return counters.snapshot();
    }

    /** @return the registered definitions, as {@code type vN} */
    public List<String> definitions() {
        List<String> names = new ArrayList<>();
        engines.values().forEach(e -> names.add(e.definition().toString()));
        return List.copyOf(names);
    }

    private SagaStatus statusOf(SagaInstance instance) {
        SagaEngine<?> engine = engines.get(SagaDriver.key(instance.type(), instance.definitionVersion()));
        return SagaStatus.of(instance, engine == null ? null : engine.definition());
    }

    /**
     * Admin routes: {@code GET /chassis/sagas} (counts by state, this orchestrator's metrics and
     * definitions; with {@code ?state=FAILED} the sagas in that state, paged by {@code after} and
     * {@code limit}) and {@code GET /chassis/sagas/{id}} (one saga's status and history).
     *
     * @return the routes, for {@code adminServer.addRoutes(...)}
     */
    public List<AdminRoute> adminRoutes() {
        return SagaAdmin.routes(this);
    }

    /** @return the orchestrator's name, also its lifecycle component name */
    @Override
    public String name() {
        return name;
    }

    /** @return the owner id this orchestrator leases sagas under */
    public String owner() {
        return owner;
    }

    /**
     * Recovers unfinished sagas, then polls for due deadlines every poll interval on a daemon thread.
     */
    @Override
    public void start() {
        synchronized (schedulerLock) {
            if (scheduler != null) {
                return;
            }
            recover();
            ScheduledExecutorService s = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "saga-" + name);
                t.setDaemon(true);
                return t;
            });
            s.scheduleWithFixedDelay(this::poll, pollInterval.toMillis(), pollInterval.toMillis(), TimeUnit.MILLISECONDS);
            scheduler = s;
        }
    }

    private void poll() {
        try {
            while (runDue() == batchSize) {
                log.debug("saga orchestrator '{}' has more due sagas", name);
            }
        } catch (RuntimeException e) {
            log.warn("saga orchestrator '{}' could not run due sagas; trying again in {}", name, pollInterval, e);
        }
    }

    /** Stops polling and waits up to 10 seconds for the current poll to finish. */
    @Override
    public void stop() throws InterruptedException {
        ScheduledExecutorService s;
        synchronized (schedulerLock) {
            s = scheduler;
            scheduler = null;
        }
        if (s != null) {
            s.shutdown();
            if (!s.awaitTermination(10, TimeUnit.SECONDS)) {
                s.shutdownNow();
            }
        }
    }

    /** Configures a {@link SagaOrchestrator}. Not thread-safe. */
    public static final class Builder {
        private final SagaStore store;
        private final List<SagaDefinition<?>> definitions = new ArrayList<>();
        private String name = "saga-orchestrator";
        private Clock clock = Clock.systemUTC();
        private String owner = UUID.randomUUID().toString();
        private URI source = URI.create("/sagas");
        private Duration leaseDuration = Duration.ofSeconds(30);
        private Duration pollInterval = Duration.ofSeconds(1);
        private int batchSize = 100;
        private SagaListener listener = new SagaListener() { };
        private @Nullable OpenTelemetry openTelemetry;

        private Builder(SagaStore store) {
            this.store = store;
        }

        /**
         * Registers a definition (type and version); register every version that may still have unfinished sagas.
         *
         * @param definition the definition
         * @return this builder
         */
        public Builder definition(SagaDefinition<?> definition) {
            definitions.add(requireNonNull(definition, "definition"));
            return this;
        }

        /**
         * Sets the name (logs, thread, lifecycle); default {@code "saga-orchestrator"}.
         *
         * @param name the name
         * @return this builder
         */
        public Builder name(String name) {
            this.name = requireNonNull(name, "name");
            return this;
        }

        /**
         * Sets the clock for deadlines, leases and history; default the system UTC clock.
         *
         * @param clock the clock
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Sets the id this instance holds leases under; default a random UUID. Unique per running instance.
         *
         * @param owner the owner id
         * @return this builder
         */
        public Builder owner(String owner) {
            this.owner = requireNonNull(owner, "owner");
            return this;
        }

        /**
         * Sets the source of the command envelopes; default {@code /sagas}.
         *
         * @param source a URI reference such as {@code /order-service}
         * @return this builder
         */
        public Builder source(String source) {
            this.source = URI.create(requireNonNull(source, "source"));
            return this;
        }

        /**
         * Sets how long a lease lasts; default 30 seconds. Longer than the slowest call.
         *
         * @param leaseDuration positive
         * @return this builder
         */
        public Builder leaseDuration(Duration leaseDuration) {
            this.leaseDuration = positive(leaseDuration, "leaseDuration");
            return this;
        }

        /**
         * Sets how often the scheduler looks for due sagas; default 1 second.
         *
         * @param pollInterval positive
         * @return this builder
         */
        public Builder pollInterval(Duration pollInterval) {
            this.pollInterval = positive(pollInterval, "pollInterval");
            return this;
        }

        /**
         * Sets how many due sagas one poll handles; default 100.
         *
         * @param batchSize positive
         * @return this builder
         */
        public Builder batchSize(int batchSize) {
            if (batchSize < 1) {
                throw new IllegalArgumentException("batchSize must be positive, was " + batchSize);
            }
            this.batchSize = batchSize;
            return this;
        }

        /**
         * Sets the listener; default none.
         *
         * @param listener the listener
         * @return this builder
         */
        public Builder listener(SagaListener listener) {
            this.listener = requireNonNull(listener, "listener");
            return this;
        }

        /**
         * Sets where the step spans and the {@code chassis.saga.outcomes} counter go; default
         * {@code GlobalOpenTelemetry.getOrNoop()} at each use (a no-op unless one is registered).
         * {@link OpenTelemetry#noop()} turns them off.
         *
         * @param openTelemetry the OpenTelemetry instance, e.g. the service's telemetry
         * @return this builder
         */
        public Builder openTelemetry(OpenTelemetry openTelemetry) {
            this.openTelemetry = requireNonNull(openTelemetry, "openTelemetry");
            return this;
        }

        /**
         * Builds the orchestrator.
         *
         * @return the orchestrator, not started
         * @throws IllegalArgumentException if two definitions share a type and version
         */
        public SagaOrchestrator build() {
            List<String> seen = new ArrayList<>();
            for (SagaDefinition<?> d : definitions) {
                String k = SagaDriver.key(d.type(), d.version());
                if (seen.contains(k)) {
                    throw new IllegalArgumentException("two definitions registered for " + d
                            + ": register each (type, version) once");
                }
                seen.add(k);
            }
            return new SagaOrchestrator(this);
        }

        private static Duration positive(Duration d, String name) {
            requireNonNull(d, name);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + " must be positive, was " + d);
            }
            return d;
        }
    }
}
