package dev.chassis.messaging.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.chassis.core.bus.DeadLetters;
import dev.chassis.core.bus.EventBus;
import dev.chassis.core.bus.EventHandler;
import dev.chassis.core.bus.RetryPolicy;
import dev.chassis.core.bus.Subscription;
import dev.chassis.core.bus.SubscriptionHandle;
import dev.chassis.core.envelope.Envelope;
import dev.chassis.core.jdbc.TxRunner;
import dev.chassis.messaging.RabbitEventBus;
import dev.chassis.messaging.inbox.Inbox;
import dev.chassis.messaging.inbox.InboxSchema;
import dev.chassis.messaging.inbox.JdbcInboxStore;
import dev.chassis.testkit.fault.BrokerFaults;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * End to end on the local PostgreSQL and RabbitMQ: writers commit a business row and its outbox row in
 * one transaction, the relay publishes through a {@link RabbitEventBus}, and a consumer applies each
 * message's effect through a JDBC {@link Inbox}. Faults hit the chain while it runs; a Jepsen-style
 * checker compares the ids the writers saw commit, the publishes the broker confirmed, the deliveries
 * and the effects, prints the figures and asserts that nothing is lost and no effect is applied twice.
 * (Relay sessions terminated with a recording bus are covered by {@link OutboxFaultIT}.)
 */
class OutboxEndToEndFaultIT {
    private static final String URI = System.getProperty("chassis.rabbit.uri", "amqp://guest:guest@127.0.0.1:5672/%2F");
    private static final String TOPIC = "e2e.happened";
    private static final String CONSUMER = "e2e.effects";
    private static final Duration DRAIN = Duration.ofSeconds(60);

    private final PgFixture pg = new PgFixture();
    private final String exchange = "it." + pg.id + ".e2e";
    private final String queue = "it." + pg.id + ".e2e-effects";
    private final String user = "it-e2e-" + pg.id;
    private final String business = pg.schema.schema() + ".business";
    private final String effects = pg.schema.schema() + ".effects";
    private final Set<String> confirmed = ConcurrentHashMap.newKeySet();
    private final Map<String, AtomicInteger> deliveries = new ConcurrentHashMap<>();
    private final List<RabbitEventBus> buses = new ArrayList<>();
    private final ScheduledExecutorService faults = Executors.newSingleThreadScheduledExecutor();
    private final List<HikariDataSource> relayPools = new ArrayList<>();
    private boolean userCreated;

    @BeforeEach
    void setUp() throws Exception {
        try (java.sql.Connection c = pg.dataSource.getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE " + business + " (id text PRIMARY KEY, payload text NOT NULL)");
            st.execute("CREATE TABLE " + effects + " (message_id text NOT NULL)"); // no key: a second effect must show
        }
        InboxSchema.create(pg.dataSource, pg.schema.schema());
    }

    @AfterEach
    void tearDown() throws Exception {
        faults.shutdownNow();
        faults.awaitTermination(30, TimeUnit.SECONDS);
        try {
            pg.close(); // relays first, while their bus is still open
            relayPools.forEach(HikariDataSource::close);
            for (RabbitEventBus bus : buses) {
                bus.close();
            }
            deleteTopology();
        } finally {
            if (userCreated) {
                ctl("delete_user", user);
            }
        }
    }

    @Test
    void losesNothingAndAppliesEachEffectOnceWhileTheRelaysBrokerConnectionsAreClosedEverySecond() throws Exception {
        // given a relay whose bus connects as a user of this test only, so its connections can be closed
        ctl("add_user", user, "secret");
        userCreated = true;
        ctl("set_permissions", "-p", "/", user, ".*", ".*", ".*");
        EventBus relayBus = recording(bus("relay", b -> b.username(user).password("secret")
                .heartbeat(Duration.ofSeconds(5)).recoveryInterval(Duration.ofMillis(200))));
        consume();
        relay("relay", relayBus).start();
        AtomicInteger closes = new AtomicInteger();
        // rabbitmqctl itself takes most of a second, so this closes them about every 1-2 s
        faults.scheduleWithFixedDelay(() -> {
            try {
                ctl("close_all_user_connections", user, "end-to-end fault test");
                closes.incrementAndGet();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, 300, 300, TimeUnit.MILLISECONDS);

        // when 4 writers commit 10,000 business changes, each in its own transaction
        Set<String> committed = write("a", 4, 2_500, pg.dataSource, new AtomicInteger());
        int closesWhileWriting = closes.get();
        awaitEffects(committed);
        faults.shutdownNow();

        // then
        Figures f = report("connection-kill-storm", committed,
                "brokerConnectionCloses=" + closes.get() + " whileWriting=" + closesWhileWriting);
        assertThat(committed).hasSize(10_000);
        assertThat(closesWhileWriting).as("connections were closed while the relay published").isGreaterThanOrEqualTo(3);
        f.assertSafe();
    }

    @Test
    void relaysKilledBetweenConfirmAndMarkSentRepublishAndTheInboxKeepsOneEffect() throws Exception {
        // given
        EventBus relayBus = recording(bus("relay", b -> { }));
        consume();
        ExecutorService writer = Executors.newSingleThreadExecutor();
        Future<Set<String>> writing = writer.submit(() -> write("b", 2, 1_500, pg.dataSource, new AtomicInteger()));
        writer.shutdown();

        // when relays die one after another at random points while publishing
        int crashes = 0;
        int sessionsTerminated = 0;
        long publishedByCrashedRelays = 0;
        for (int i = 0; i < 8; i++) {
            OutboxRelay relay = relay("crash-" + i, relayBus);
            relay.start();
            int target = ThreadLocalRandom.current().nextInt(20, 250);
            await().atMost(Duration.ofSeconds(20)).until(() -> relay.published() >= target
                    || (writing.isDone() && relay.isLeader() && relay.backlog() == 0));
            if (relay.published() < target) {
                break; // nothing left to interrupt
            }
            sessionsTerminated += pg.terminate("crash-" + i); // the lock session and the pool's sessions
            relay.close();
            crashes++;
            publishedByCrashedRelays += relay.published();
        }
        Set<String> committed = writing.get(60, TimeUnit.SECONDS);
        OutboxRelay survivor = relay("survivor", relayBus);
        survivor.start();
        awaitEffects(committed);
        await().atMost(DRAIN).until(() -> pg.count("sent_at IS NULL") == 0);

        // then
        Figures f = report("relay-crash", committed, "relayCrashes=" + crashes + " sessionsTerminated="
                + sessionsTerminated + " publishedByCrashedRelays=" + publishedByCrashedRelays + " survivorPublished="
                + survivor.published());
        assertThat(crashes).as("relays were killed while publishing").isGreaterThanOrEqualTo(3);
        f.assertSafe();
    }

    @Test
    void aTransactionWhoseSessionIsTerminatedCommitsWithItsOutboxRowOrFailsToItsCaller() throws Exception {
        // given writers on a pool of their own, whose sessions are terminated every 50 ms, and the
        // relay's sessions every 20th time
        EventBus relayBus = recording(bus("relay", b -> { }));
        consume();
        OutboxRelay relay = relay("resilient", relayBus);
        relay.start();
        HikariDataSource writers = pg.pool("writer");
        AtomicInteger writerSessionsTerminated = new AtomicInteger();
        AtomicInteger relayTerminations = new AtomicInteger();
        AtomicInteger ticks = new AtomicInteger();
        faults.scheduleWithFixedDelay(() -> {
            try {
                writerSessionsTerminated.addAndGet(pg.terminate("writer"));
                if (ticks.incrementAndGet() % 20 == 0) {
                    relayTerminations.addAndGet(pg.terminate("resilient"));
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, 50, 50, TimeUnit.MILLISECONDS);

        // when
        AtomicInteger failedToCaller = new AtomicInteger();
        Set<String> committed = write("c", 4, 750, writers, failedToCaller);
        faults.shutdownNow();

        // then every business row has its outbox row and the other way round
        long businessRows = count("SELECT count(*) FROM " + business);
        long outboxRows = count("SELECT count(*) FROM " + pg.schema.qualifiedTable());
        long unpaired = count("SELECT count(*) FROM " + business + " b FULL JOIN " + pg.schema.qualifiedTable()
                + " o ON o.message_id = b.id WHERE b.id IS NULL OR o.id IS NULL");
        long seenCommittedMissing = committed.size() - count("SELECT count(*) FROM " + business + " WHERE id = ANY(?)",
                committed);
        awaitEffects(committed);
        await().atMost(DRAIN).until(() -> pg.count("sent_at IS NULL") == 0 && relay.isLeader());
        Figures f = report("terminate-writers", committed, "failedToCaller=" + failedToCaller.get()
                + " inDoubtButCommitted=" + (businessRows - committed.size()) + " businessRows=" + businessRows
                + " outboxRows=" + outboxRows + " writerSessionsTerminated=" + writerSessionsTerminated.get()
                + " relaySessionsTerminated=" + relayTerminations.get());
        assertThat(failedToCaller.get()).as("some transactions were interrupted").isPositive();
        assertThat(relayTerminations.get()).as("the relay's sessions were terminated").isPositive();
        assertThat(businessRows).isEqualTo(outboxRows);
        assertThat(unpaired).isZero();
        assertThat(seenCommittedMissing).as("commits the writers saw are in the table").isZero();
        f.assertSafe();
    }

    /**
     * Runs {@code threads} writers of {@code each} transactions: a business row and its outbox row.
     * Returns the ids whose commit returned normally; a failure counts in {@code failed}.
     */
    private Set<String> write(String run, int threads, int each, javax.sql.DataSource dataSource, AtomicInteger failed)
            throws Exception {
        Outbox outbox = pg.outbox();
        TxRunner tx = TxRunner.of(dataSource);
        Set<String> committed = ConcurrentHashMap.newKeySet();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<?>> writers = new ArrayList<>();
        for (int w = 0; w < threads; w++) {
            int writer = w;
            writers.add(pool.submit(() -> {
                for (int i = 0; i < each; i++) {
                    String id = run + "-" + writer + "-" + i;
                    try {
                        tx.inTransaction(c -> {
                            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + business
                                    + " (id, payload) VALUES (?, ?)")) {
                                ps.setString(1, id);
                                ps.setString(2, "payload " + id);
                                ps.executeUpdate();
                            }
                            return outbox.add(c, TOPIC, "w" + writer, envelope(id));
                        });
                        committed.add(id);
                    } catch (RuntimeException e) {
                        failed.incrementAndGet();
                    }
                }
            }));
        }
        for (Future<?> f : writers) {
            f.get(120, TimeUnit.SECONDS);
        }
        pool.shutdown();
        return committed;
    }

    private static Envelope envelope(String id) {
        return Envelope.builder().id(id).type(TOPIC).source("/outbox-e2e")
                .data("text/plain", id.getBytes(StandardCharsets.UTF_8)).build();
    }

    private RabbitEventBus bus(String role, java.util.function.Consumer<RabbitEventBus.Builder> custom) {
        RabbitEventBus.Builder b = RabbitEventBus.builder().uri(URI).exchange(exchange)
                .connectionName("it-e2e-" + role + "-" + pg.id).publishConfirmTimeout(Duration.ofSeconds(5))
                .recoveryInterval(Duration.ofMillis(300));
        custom.accept(b);
        RabbitEventBus bus = b.build();
        buses.add(bus);
        return bus;
    }

    private OutboxRelay relay(String role, EventBus bus) {
        // small pools of their own: those of crashed relays stay open until the end
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(PgFixture.URL);
        config.setUsername(PgFixture.USER);
        config.setMinimumIdle(1);
        config.setMaximumPoolSize(4);
        config.setConnectionTimeout(5_000);
        config.addDataSourceProperty("ApplicationName", pg.applicationName(role));
        HikariDataSource pool = new HikariDataSource(config);
        relayPools.add(pool);
        return pg.closeLater(OutboxRelay.builder().name("relay-" + role).dataSource(pool).schema(pg.schema)
                .eventBus(bus).batchSize(100).pollInterval(Duration.ofMillis(200))
                .backoff(Duration.ofMillis(20), Duration.ofMillis(300)).publishTimeout(Duration.ofSeconds(5)).build());
    }

    /** Subscribes the consumer: count each delivery, then apply the effect through the inbox. */
    private void consume() {
        HikariDataSource consumerPool = pg.pool("consumer");
        Inbox inbox = Inbox.of(JdbcInboxStore.of(TxRunner.of(consumerPool), pg.schema.schema()), CONSUMER);
        EventHandler applied = inbox.handler((delivery, tx) -> {
            try (PreparedStatement ps = tx.connection().prepareStatement("INSERT INTO " + effects
                    + " (message_id) VALUES (?)")) {
                ps.setString(1, delivery.envelope().id());
                ps.executeUpdate();
            }
        });
        bus("consumer", b -> { }).subscribe(Subscription.builder(queue).topic(TOPIC).concurrency(4).prefetch(100)
                .retry(RetryPolicy.builder().maxAttempts(10).initialDelay(Duration.ofMillis(50)).multiplier(1.0)
                        .maxDelay(Duration.ofMillis(50)).build())
                .handler(d -> {
                    deliveries.computeIfAbsent(d.envelope().id(), k -> new AtomicInteger()).incrementAndGet();
                    applied.handle(d);
                })
                .build());
    }

    /** Waits, bounded, until every committed id has an effect; the report then says what is missing. */
    private void awaitEffects(Set<String> committed) {
        try {
            await().atMost(DRAIN).pollInterval(Duration.ofMillis(250))
                    .until(() -> effectCounts().keySet().containsAll(committed));
        } catch (ConditionTimeoutException e) {
            // fall through: the figures show the loss and the assertion fails
        }
    }

    private Map<String, Long> effectCounts() throws Exception {
        Map<String, Long> counts = new HashMap<>();
        try (java.sql.Connection c = pg.dataSource.getConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT message_id, count(*) FROM " + effects + " GROUP BY message_id")) {
            while (rs.next()) {
                counts.put(rs.getString(1), rs.getLong(2));
            }
        }
        return counts;
    }

    private Figures report(String name, Set<String> committed, String extra) throws Exception {
        Map<String, Long> effectCounts = effectCounts();
        long delivered = deliveries.values().stream().mapToLong(AtomicInteger::get).sum();
        long duplicateDeliveries = delivered - deliveries.size();
        long lost = committed.stream().filter(id -> !effectCounts.containsKey(id)).count();
        long notConfirmed = committed.stream().filter(id -> !confirmed.contains(id)).count();
        long effectsApplied = effectCounts.values().stream().mapToLong(Long::longValue).sum();
        long duplicateEffects = effectsApplied - effectCounts.size();
        System.out.printf("[outbox-e2e %s] committed=%d confirmed=%d delivered=%d lost=%d duplicateDeliveries=%d"
                + " effects=%d duplicateEffects=%d committedNotConfirmed=%d %s%n", name, committed.size(),
                confirmed.size(), delivered, lost, duplicateDeliveries, effectsApplied, duplicateEffects, notConfirmed,
                extra);
        return new Figures(lost, duplicateEffects, notConfirmed);
    }

    private record Figures(long lost, long duplicateEffects, long notConfirmed) {
        void assertSafe() {
            assertThat(lost).as("committed ids without an effect").isZero();
            assertThat(notConfirmed).as("committed ids never confirmed by the broker").isZero();
            assertThat(duplicateEffects).as("effects applied twice").isZero();
        }
    }

    private long count(String sql) throws Exception {
        try (java.sql.Connection c = pg.dataSource.getConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private long count(String sql, Set<String> ids) throws Exception {
        try (java.sql.Connection c = pg.dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setArray(1, c.createArrayOf("text", ids.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** The relay's bus, recording each id whose publish the broker confirmed. */
    private EventBus recording(EventBus delegate) {
        return new EventBus() {
            @Override
            public CompletionStage<Void> publish(String topic, Envelope envelope) {
                return delegate.publish(topic, envelope).whenComplete((ok, failure) -> {
                    if (failure == null) {
                        confirmed.add(envelope.id());
                    }
                });
            }

            @Override
            public SubscriptionHandle subscribe(Subscription subscription) {
                return delegate.subscribe(subscription);
            }

            @Override
            public DeadLetters deadLetters() {
                return delegate.deadLetters();
            }

            @Override
            public void close() {
                delegate.close();
            }
        };
    }

    private void deleteTopology() throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri(URI);
        try (Connection admin = factory.newConnection("it-e2e-admin-" + pg.id)) {
            for (String q : List.of(queue, queue + ".dlq", queue + ".retry.50ms")) {
                try (Channel ch = admin.createChannel()) {
                    ch.queueDelete(q);
                }
            }
            for (String x : List.of(queue + ".dlx", exchange)) {
                try (Channel ch = admin.createChannel()) {
                    ch.exchangeDelete(x);
                }
            }
        }
    }

    private static void ctl(String... args) {
        BrokerFaults.local().rabbitmqctl(args);
    }
}
