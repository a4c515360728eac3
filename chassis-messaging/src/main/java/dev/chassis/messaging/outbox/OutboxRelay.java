package dev.chassis.messaging.outbox;

import static java.util.Objects.requireNonNull;

import dev.chassis.core.admin.AdminResponse;
import dev.chassis.core.admin.AdminRoute;
import dev.chassis.core.bus.EventBus;
import dev.chassis.core.health.HealthCheck;
import dev.chassis.core.health.HealthResult;
import dev.chassis.core.outbox.OutboxStore;
import dev.chassis.core.outbox.ParkedMessage;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * Publishes committed outbox messages through an {@link EventBus} and marks each sent only after its
 * publish completed normally (the broker confirmed and routed it). Delivery is at least once: a
 * crash between the confirm and the mark publishes that message again.
 *
 * <p>One worker thread reads the unsent messages in id order, in batches. Messages with the same
 * ordering key keep their order: when one fails, the later ones of its key wait for the next round,
 * while other keys go on. After a publish failed for a reason that hits every message (broker down,
 * connection lost, no confirm in time) the whole relay backs off exponentially. A message the bus
 * refuses (unroutable, nacked, invalid) backs off alone, with its key, and after
 * {@code maxAttempts} refusals it is <em>parked</em>: kept in the table, logged at WARN, reported by
 * {@link #parkedCount()} and the admin route, and skipped, so the later messages of its key go on;
 * {@link #retryParked()} puts it back. It wakes on the {@code NOTIFY} of each commit and polls every
 * {@code pollInterval} in case a notification was missed; while messages flow it also reads every
 * {@code flowPollInterval}, so a notification that arrives late holds nothing up. On PostgreSQL only
 * one relay per outbox table is active: the one holding a session-level advisory lock on a
 * connection of its own, on which it also reads; the others stand by and take over when the
 * leader's session ends. The leader also deletes sent messages older than the retention, in
 * batches, every cleanup interval.
 *
 * <p>Build it, {@link #start()} it, {@link #close()} it when the service stops. The relay needs two
 * connections of its data source for itself (leader lock and reads, and {@code LISTEN}) plus one at
 * a time for its writes. Instances are thread-safe.
 *
 * <p>What the admin route shows is also reported as OpenTelemetry metrics, labelled
 * {@code chassis.outbox.name}: see {@link Builder#openTelemetry(OpenTelemetry)}. Every relay on the
 * same table, leader or not, reports the table's backlog, lag and parked count.
 *
 * <pre>{@code
 * OutboxRelay relay = OutboxRelay.builder()
 *         .dataSource(dataSource)
 *         .schema(OutboxSchema.of("orders"))
 *         .eventBus(bus)
 *         .build();
 * relay.start();
 * }</pre>
 */
public final class OutboxRelay implements AutoCloseable {
    private final String name;
    private final OutboxStore store;
    private final Coordination coordination;
    private final Clock clock;
    private final RelayWorker worker;
    private final OutboxMetrics metrics;

    private OutboxRelay(Builder b, OutboxStore store, Coordination coordination, EventBus bus) {
        this.name = b.name;
        this.store = store;
        this.coordination = coordination;
        this.clock = b.clock;
        RelaySettings settings = new RelaySettings(b.batchSize, b.pollInterval, b.initialBackoff, b.maxBackoff,
                b.publishTimeout, b.retention, b.cleanupInterval, b.cleanupBatchSize, b.maxAttempts, b.maxInFlight,
                b.flowPollInterval.compareTo(b.pollInterval) < 0 ? b.flowPollInterval : b.pollInterval);
        this.worker = new RelayWorker(name, store, coordination, bus, clock, settings);
        this.metrics = new OutboxMetrics(b.openTelemetry != null ? b.openTelemetry : GlobalOpenTelemetry.getOrNoop(), this);
    }

    /** @return a builder; a data source or an in-memory outbox, and an event bus, are required */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A relay configured by the given function.
     *
     * @param configure sets builder values
     * @return the relay, not started
     */
    public static OutboxRelay create(Consumer<Builder> configure) {
        Builder b = builder();
        requireNonNull(configure, "configure").accept(b);
        return b.build();
    }

    /** @return the relay's name, used in logs, the admin route and the health check */
    public String name() {
        return name;
    }

    /**
     * Starts the worker thread. Idempotent.
     *
     * @throws IllegalStateException if the relay was closed
     */
    public void start() {
        worker.start();
    }

    /**
     * Stops the worker (a publish in flight finishes first, up to the publish timeout) and releases
     * the leadership and connections. Idempotent.
     */
    @Override
    public void close() {
        metrics.close();
        worker.stop();
        coordination.close();
    }

    /** @return whether this relay currently leads (always for the in-memory outbox once started) */
    public boolean isLeader() {
        return worker.isRunning() && coordination.isLeader();
    }

    /**
     * How many committed messages wait to be published.
     *
     * @return the count
     * @throws dev.chassis.core.ChassisException if the store cannot be read
     */
    public long backlog() {
        return store.backlog();
    }

    /**
     * How long the oldest unsent message has waited, by the relay's clock.
     *
     * @return its age, empty when nothing waits
     * @throws dev.chassis.core.ChassisException if the store cannot be read
     */
    public Optional<Duration> oldestUnsentAge() {
        Instant now = clock.instant();
        return store.oldestUnsent().map(created -> created.isAfter(now) ? Duration.ZERO : Duration.between(created, now));
    }

    /** @return how many messages this relay published and marked sent since it was built */
    public long published() {
        return worker.published();
    }

    /**
     * How many messages are parked: the bus refused each of them {@code maxAttempts} times.
     *
     * @return the count
     * @throws dev.chassis.core.ChassisException if the store cannot be read
     */
    public long parkedCount() {
        return store.parkedCount();
    }

    /**
     * The parked messages, oldest first, with their refusal counts and last errors.
     *
     * @param limit at most this many, positive
     * @return the parked messages, possibly empty
     * @throws dev.chassis.core.ChassisException if the store cannot be read
     */
    public List<ParkedMessage> parked(int limit) {
        return store.parked(limit);
    }

    /**
     * Puts every parked message back among the unsent ones, with a fresh count of attempts, and
     * wakes the relay; call it once the cause is fixed (e.g. a queue is bound to the topic). A
     * requeued message is published at its id's place, so it may come after later messages of its
     * ordering key that went out while it was parked.
     *
     * @return how many messages were put back
     * @throws dev.chassis.core.ChassisException if the store cannot be written
     */
    public int retryParked() {
        int requeued = store.requeueParked();
        coordination.wakeUp();
        return requeued;
    }

    /**
     * The admin routes: {@code GET /chassis/outbox} answers the name, leadership, backlog, age of
     * the oldest unsent message in milliseconds, counts, the last error and the parked messages
     * (count and oldest) as JSON; {@code POST /chassis/outbox/retry-parked} runs
     * {@link #retryParked()} and answers {@code {"requeued": n}}.
     *
     * @return the routes to add to the admin server
     */
    public List<AdminRoute> adminRoutes() {
        return List.of(AdminRoute.get("/chassis/outbox", request -> AdminResponse.json(200, status())),
                AdminRoute.post("/chassis/outbox/retry-parked",
                        request -> AdminResponse.json(200, Map.of("requeued", retryParked()))));
    }

    /**
     * A readiness check named after the relay that is DOWN while the oldest unsent message is older
     * than {@code maxAge} (the relay or the broker is stuck) or the store cannot be read. Parked
     * messages do not make it DOWN (they no longer hold anything up); their count is in the details.
     *
     * @param maxAge the longest acceptable wait, positive
     * @return the check
     */
    public HealthCheck readinessCheck(Duration maxAge) {
        requirePositive(maxAge, "maxAge");
        return HealthCheck.readiness(name, () -> {
            long backlog = store.backlog();
            Optional<Duration> age = oldestUnsentAge();
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("backlog", backlog);
            details.put("oldestUnsentAgeMs", age.map(Duration::toMillis).orElse(0L));
            details.put("parked", store.parkedCount());
            if (age.isPresent() && age.get().compareTo(maxAge) > 0) {
                return HealthResult.down("oldest unsent outbox message waits " + age.get().toMillis() + " ms, more than "
                        + maxAge.toMillis() + " ms", details);
            }
            return HealthResult.up(details);
        });
    }

    private Map<String, Object> status() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("name", name);
        json.put("running", worker.isRunning());
        json.put("leader", isLeader());
        json.put("backlog", store.backlog());
        json.put("oldestUnsentAgeMs", oldestUnsentAge().map(Duration::toMillis).orElse(0L));
        json.put("published", worker.published());
        json.put("publishFailures", worker.failures());
        String lastError = worker.lastError();
        json.put("lastError", lastError == null ? "" : lastError);
        json.put("parked", store.parkedCount());
        List<ParkedMessage> oldest = store.parked(1);
        if (!oldest.isEmpty()) {
            ParkedMessage p = oldest.get(0);
            Map<String, Object> first = new LinkedHashMap<>();
            first.put("id", p.record().id());
            first.put("topic", p.record().message().topic());
            first.put("messageId", p.record().message().envelope().id());
            first.put("createdAt", p.record().createdAt().toString());
            first.put("parkedAt", p.parkedAt().toString());
            first.put("attempts", p.attempts());
            first.put("lastError", p.lastError());
            json.put("oldestParked", first);
        }
        return json;
    }

    private static Duration requirePositive(Duration d, String name) {
        requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, was " + d);
        }
        return d;
    }

    /** Builds an {@link OutboxRelay}. Not thread-safe; {@link #build()} copies. */
    public static final class Builder {
        private @Nullable DataSource dataSource;
        private OutboxSchema schema = OutboxSchema.defaults();
        private @Nullable InMemoryOutbox outbox;
        private @Nullable EventBus eventBus;
        private String name = "outbox";
        private int batchSize = 100;
        private Duration pollInterval = Duration.ofSeconds(1);
        private Duration flowPollInterval = Duration.ofMillis(10);
        private Duration initialBackoff = Duration.ofMillis(200);
        private Duration maxBackoff = Duration.ofSeconds(30);
        private Duration publishTimeout = Duration.ofSeconds(30);
        private Duration retention = Duration.ofDays(7);
        private Duration cleanupInterval = Duration.ofHours(1);
        private int cleanupBatchSize = 1000;
        private int maxAttempts = 10;
        private int maxInFlight = 1000;
        private Clock clock = Clock.systemUTC();
        private @Nullable OpenTelemetry openTelemetry;

        private Builder() {
        }

        /**
         * @param dataSource the database of the PostgreSQL outbox (a pool, e.g. HikariCP)
         * @return this builder
         */
        public Builder dataSource(DataSource dataSource) {
            this.dataSource = requireNonNull(dataSource, "dataSource");
            return this;
        }

        /**
         * @param schema where the PostgreSQL outbox table lives; default {@link OutboxSchema#defaults()}
         * @return this builder
         */
        public Builder schema(OutboxSchema schema) {
            this.schema = requireNonNull(schema, "schema");
            return this;
        }

        /**
         * @param outbox an in-memory outbox to relay instead of a database
         * @return this builder
         */
        public Builder outbox(InMemoryOutbox outbox) {
            this.outbox = requireNonNull(outbox, "outbox");
            return this;
        }

        /**
         * @param eventBus the bus messages are published through
         * @return this builder
         */
        public Builder eventBus(EventBus eventBus) {
            this.eventBus = requireNonNull(eventBus, "eventBus");
            return this;
        }

        /**
         * @param name letters, digits, {@code .}, {@code _}, {@code -}; default {@code outbox}
         * @return this builder
         */
        public Builder name(String name) {
            requireNonNull(name, "name");
            if (!name.matches("[A-Za-z0-9._-]+")) {
                throw new IllegalArgumentException("name must consist of letters, digits, '.', '_' and '-', was '"
                        + name + "'");
            }
            this.name = name;
            return this;
        }

        /**
         * @param batchSize messages read per round, positive; default 100
         * @return this builder
         */
        public Builder batchSize(int batchSize) {
            if (batchSize <= 0) {
                throw new IllegalArgumentException("batchSize must be positive, was " + batchSize);
            }
            this.batchSize = batchSize;
            return this;
        }

        /**
         * @param pollInterval the longest sleep without a notification; default 1 s
         * @return this builder
         */
        public Builder pollInterval(Duration pollInterval) {
            this.pollInterval = requirePositive(pollInterval, "pollInterval");
            return this;
        }

        /**
         * How soon the relay reads again, notified or not, after a read that published something:
         * while messages flow it does not depend on every notification arriving in time (PostgreSQL
         * delivers them late when the database's CPUs are saturated), and once a read finds nothing
         * new it waits for notifications alone again.
         *
         * @param flowPollInterval default 10 ms; one longer than {@code pollInterval} acts as {@code pollInterval}
         * @return this builder
         */
        public Builder flowPollInterval(Duration flowPollInterval) {
            this.flowPollInterval = requirePositive(flowPollInterval, "flowPollInterval");
            return this;
        }

        /**
         * @param initial the first pause after a failed round; default 200 ms
         * @param max the longest pause, doubling up to it; default 30 s
         * @return this builder
         */
        public Builder backoff(Duration initial, Duration max) {
            requirePositive(initial, "initial");
            requirePositive(max, "max");
            if (max.compareTo(initial) < 0) {
                throw new IllegalArgumentException("max must not be less than initial, was " + max + " < " + initial);
            }
            this.initialBackoff = initial;
            this.maxBackoff = max;
            return this;
        }

        /**
         * @param publishTimeout how long one publish may wait for its confirm; default 30 s
         * @return this builder
         */
        public Builder publishTimeout(Duration publishTimeout) {
            this.publishTimeout = requirePositive(publishTimeout, "publishTimeout");
            return this;
        }

        /**
         * @param retention how long sent messages are kept; default 7 days
         * @return this builder
         */
        public Builder retention(Duration retention) {
            this.retention = requirePositive(retention, "retention");
            return this;
        }

        /**
         * @param cleanupInterval how often the leader deletes expired sent messages; default 1 h
         * @return this builder
         */
        public Builder cleanupInterval(Duration cleanupInterval) {
            this.cleanupInterval = requirePositive(cleanupInterval, "cleanupInterval");
            return this;
        }

        /**
         * @param cleanupBatchSize rows deleted per statement, positive; default 1000
         * @return this builder
         */
        public Builder cleanupBatchSize(int cleanupBatchSize) {
            if (cleanupBatchSize <= 0) {
                throw new IllegalArgumentException("cleanupBatchSize must be positive, was " + cleanupBatchSize);
            }
            this.cleanupBatchSize = cleanupBatchSize;
            return this;
        }

        /**
         * @param maxInFlight messages published and still waiting for their confirm, at most; positive,
         *     default 1,000. The relay reads and publishes new messages while confirms are outstanding;
         *     when a busy broker confirms slowly (its disk writes) a small limit stalls publishing
         *     although the messages were already delivered. Keep it at or below the bus's own confirm
         *     window ({@code RabbitEventBus}: 4 channels of 256 by default). On a change of leader, up
         *     to this many messages may be published twice.
         * @return this builder
         */
        public Builder maxInFlight(int maxInFlight) {
            if (maxInFlight <= 0) {
                throw new IllegalArgumentException("maxInFlight must be positive, was " + maxInFlight);
            }
            this.maxInFlight = maxInFlight;
            return this;
        }

        /**
         * @param maxAttempts refused publishes of one message (unroutable, nacked, invalid) after which
         *     it is parked, positive; default 10. Transient failures (broker down, connection lost,
         *     no confirm in time) never count.
         * @return this builder
         */
        public Builder maxAttempts(int maxAttempts) {
            if (maxAttempts <= 0) {
                throw new IllegalArgumentException("maxAttempts must be positive, was " + maxAttempts);
            }
            this.maxAttempts = maxAttempts;
            return this;
        }

        /**
         * @param clock the clock of sent times, ages and cleanup; default the UTC system clock
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = requireNonNull(clock, "clock");
            return this;
        }

        /**
         * @param openTelemetry where the relay's metrics go ({@code chassis.outbox.backlog},
         *     {@code chassis.outbox.lag}, {@code chassis.outbox.parked}, {@code chassis.outbox.published},
         *     read at each collection until {@link OutboxRelay#close()}); default {@link GlobalOpenTelemetry}
         *     as it is at {@link #build()}; {@link OpenTelemetry#noop()} for none
         * @return this builder
         */
        public Builder openTelemetry(OpenTelemetry openTelemetry) {
            this.openTelemetry = requireNonNull(openTelemetry, "openTelemetry");
            return this;
        }

        /**
         * @return the relay, not started
         * @throws IllegalStateException if no event bus, or not exactly one of data source and in-memory
         *     outbox, was given
         */
        public OutboxRelay build() {
            if (eventBus == null) {
                throw new IllegalStateException("eventBus is required");
            }
            if ((dataSource == null) == (outbox == null)) {
                throw new IllegalStateException("give exactly one of dataSource (PostgreSQL) and outbox (in memory)");
            }
            if (dataSource != null) {
                JdbcOutboxStore store = new JdbcOutboxStore(dataSource, schema);
                return new OutboxRelay(this, store, new PostgresCoordination(dataSource, schema, store), eventBus);
            }
            InMemoryOutbox memory = requireNonNull(outbox);
            return new OutboxRelay(this, memory.store(), new LocalCoordination(memory, memory.store()), eventBus);
        }
    }
}
