package dev.chassis.core.eventsourcing.projection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.chassis.core.eventsourcing.EventStoreSchema;
import dev.chassis.core.eventsourcing.ExpectedVersion;
import dev.chassis.core.eventsourcing.GlobalPosition;
import dev.chassis.core.eventsourcing.JdbcEventStore;
import dev.chassis.core.eventsourcing.NewEvent;
import dev.chassis.core.eventsourcing.RecordedEvent;
import dev.chassis.core.jdbc.TxRunner;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A {@link ProjectorRunner} with {@link JdbcCheckpointStore} following a {@link JdbcEventStore} on
 * PostgreSQL while 8 appenders commit out of order, roll back on purpose, and one transaction stays
 * open for 3 s: the read model in the same database must end up equal to the fold of exactly the
 * committed events, each applied once, and the runner must wait for the open transaction.
 */
class ProjectionGapSafetyIT {
    private static final String URL = System.getProperty("chassis.pg.url", "jdbc:postgresql://127.0.0.1:5432/test");
    private static final String USER = System.getProperty("chassis.pg.user", "postgres");
    private static final int APPENDERS = 8;
    private static final int STREAMS = 40;
    private static final int TRANSACTIONS_AFTER_HELD = 30;
    private static final long HELD_MILLIS = 3_000;
    private static final String TYPE = "amount.added";
    private static final Pattern AMOUNT = Pattern.compile("\"amount\":\\s*(\\d+)");

    private final String schemaName = "proj_gap_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    private final HikariDataSource dataSource = pool();
    private final TxRunner tx = TxRunner.of(dataSource);
    private final EventStoreSchema eventSchema = EventStoreSchema.of(schemaName);
    private final CheckpointSchema checkpointSchema = CheckpointSchema.of(schemaName);
    private final JdbcEventStore store = JdbcEventStore.create(dataSource, b -> b.schema(eventSchema));

    /** Event id to its stream and amount, for every event whose transaction committed. */
    private final Map<String, Committed> committed = new ConcurrentHashMap<>();
    private final Set<String> rolledBack = ConcurrentHashMap.newKeySet();
    /** Event id to the time ({@code System.nanoTime}) the projection first applied it. */
    private final Map<String, Long> appliedAt = new ConcurrentHashMap<>();
    private final AtomicLong transactions = new AtomicLong();
    private ProjectorRunner runner;

    private record Committed(String stream, long amount) {
    }

    @AfterEach
    void tearDown() throws SQLException {
        try {
            if (runner != null) {
                runner.close();
            }
            try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
                st.execute("DROP SCHEMA IF EXISTS " + schemaName + " CASCADE");
            }
        } finally {
            dataSource.close();
        }
    }

    @Test
    void theReadModelFoldsEveryCommittedEventOnceAndWaitsForATransactionHeldOpen() throws Exception {
        // given a read model, its checkpoint and the events in one database, and a runner following the store
        eventSchema.create(dataSource);
        checkpointSchema.create(dataSource);
        createReadModel();
        runner = ProjectorRunner.builder(new StreamTotals(), store, JdbcCheckpointStore.of(tx, checkpointSchema))
                .batchSize(50)
                .pollInterval(Duration.ofMillis(10))
                .retryBackoff(Duration.ofMillis(10), Duration.ofMillis(100))
                .build();
        runner.start();
        ExecutorService pool = Executors.newFixedThreadPool(APPENDERS + 1);
        AtomicBoolean heldEnded = new AtomicBoolean();
        AtomicLong heldEndingAt = new AtomicLong(Long.MAX_VALUE);
        AtomicLong heldTransaction = new AtomicLong();
        AtomicReference<NewEvent> heldEvent = new AtomicReference<>();
        AtomicReference<GlobalPosition> positionWhileHeld = new AtomicReference<>();

        // when 8 appenders commit with random delays and roll back about 5 %, while one transaction stays open 3 s
        List<Future<?>> appenders = new ArrayList<>();
        for (int a = 0; a < APPENDERS; a++) {
            int appender = a;
            appenders.add(pool.submit(() -> append(appender, heldEnded)));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> committed.size() >= 100 && !appliedAt.isEmpty());
        NewEvent held = amount(-1, 1_000_000);
        Future<?> holder = pool.submit(() -> tx.inTransaction(c -> {
            store.append(c, "held", ExpectedVersion.any(), List.of(held));
            heldEvent.set(held);
            heldTransaction.set(currentTransaction(c));
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(HELD_MILLIS));
            positionWhileHeld.set(runner.position());
            heldEndingAt.set(System.nanoTime());
            return null;
        }));
        holder.get(60, TimeUnit.SECONDS);
        committed.put(held.id(), new Committed("held", 1_000_000));
        heldEnded.set(true);
        for (Future<?> f : appenders) {
            f.get(120, TimeUnit.SECONDS);
        }
        pool.shutdown();
        // readAll stops before any transaction still running, e.g. the runner's own: wait until it shows everything
        await().atMost(Duration.ofSeconds(30))
                .until(() -> store.readAll(GlobalPosition.START, Integer.MAX_VALUE).size() >= committed.size());
        List<RecordedEvent> all = store.readAll(GlobalPosition.START, Integer.MAX_VALUE);
        GlobalPosition head = all.get(all.size() - 1).position();
        await().atMost(Duration.ofSeconds(60)).until(() -> !head.isAfter(runner.position()));

        // then the read model is the fold of the committed events, each applied once, none rolled back
        long applications = count("SELECT count(*) FROM %s.applied_events");
        long applied = count("SELECT count(DISTINCT event_id) FROM %s.applied_events");
        Set<String> appliedIds = appliedIds();
        long skipped = committed.keySet().stream().filter(id -> !appliedIds.contains(id)).count();
        long rolledBackApplied = rolledBack.stream().filter(appliedIds::contains).count();
        long unknownApplied = appliedIds.stream().filter(id -> !committed.containsKey(id)).count();
        long heldPosition = heldTransaction.get();
        long passedHeld = all.stream().filter(e -> e.position().transaction() > heldPosition)
                .filter(e -> appliedAt.get(e.id()) < heldEndingAt.get()).count();
        long waitedForHeld = all.stream().filter(e -> e.position().transaction() > heldPosition)
                .filter(e -> appliedAt.get(e.id()) >= heldEndingAt.get()).count();
        long caughtUpMs = TimeUnit.NANOSECONDS.toMillis(appliedAt.get(heldEvent.get().id()) - heldEndingAt.get());
        System.out.printf("appenders=%d transactions=%d committed=%d rolledBack=%d applied=%d skipped=%d duplicates=%d"
                        + " rolledBackApplied=%d heldOpenMs=%d waitedForHeld=%d passedHeld=%d caughtUpMs=%d%n",
                APPENDERS, transactions.get(), committed.size(), rolledBack.size(), applied, skipped,
                applications - applied, rolledBackApplied, HELD_MILLIS, waitedForHeld, passedHeld, caughtUpMs);
        assertThat(skipped).isZero();
        assertThat(applications - applied).as("duplicates").isZero();
        assertThat(rolledBack).isNotEmpty();
        assertThat(rolledBackApplied).isZero();
        assertThat(unknownApplied).isZero();
        assertThat(applied).isEqualTo(committed.size()).isEqualTo(all.size());
        Map<String, List<Long>> expected = foldCommitted();
        assertThat(readModel()).isEqualTo(expected).isEqualTo(foldStore(expected.keySet()));
        assertThat(runner.status().failing()).isFalse();
        // and the runner stopped before the open transaction's event until it ended, then caught up
        assertThat(positionWhileHeld.get().transaction()).as("checkpoint while the transaction was open")
                .isLessThan(heldPosition);
        assertThat(passedHeld).as("events applied past the open transaction before it ended").isZero();
        assertThat(waitedForHeld).as("events committed behind the open transaction").isPositive();
        assertThat(appliedAt.get(heldEvent.get().id())).isGreaterThanOrEqualTo(heldEndingAt.get());
    }

    private Void append(int appender, AtomicBoolean heldEnded) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int afterHeld = 0;
        while (afterHeld < TRANSACTIONS_AFTER_HELD) {
            if (heldEnded.get()) {
                afterHeld++;
            }
            String stream = "account-" + random.nextInt(STREAMS);
            List<NewEvent> events = new ArrayList<>();
            for (int i = random.nextInt(1, 4); i > 0; i--) {
                events.add(amount(appender, random.nextLong(1, 1_000)));
            }
            boolean rollBack = random.nextInt(100) < 5;
            transactions.incrementAndGet();
            try {
                tx.inTransaction(c -> {
                    store.append(c, stream, ExpectedVersion.any(), events);
                    LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(random.nextInt(0, 5_000)));
                    if (rollBack) {
                        throw new IllegalStateException("rolled back on purpose");
                    }
                    return null;
                });
                events.forEach(e -> committed.put(e.id(), new Committed(stream, amountOf(e.data()))));
            } catch (IllegalStateException expected) {
                events.forEach(e -> rolledBack.add(e.id()));
            }
        }
        return null;
    }

    private static NewEvent amount(int appender, long amount) {
        return NewEvent.of(TYPE, 1, "{\"appender\": " + appender + ", \"amount\": " + amount + "}");
    }

    private static long amountOf(String data) {
        Matcher m = AMOUNT.matcher(data);
        if (!m.find()) {
            throw new IllegalArgumentException("no amount in " + data);
        }
        return Long.parseLong(m.group(1));
    }

    /** Per stream: the number of events and the sum of their amounts, as the writers know them. */
    private Map<String, List<Long>> foldCommitted() {
        Map<String, List<Long>> fold = new TreeMap<>();
        committed.values().forEach(e -> fold.merge(e.stream(), List.of(1L, e.amount()),
                (x, y) -> List.of(x.get(0) + y.get(0), x.get(1) + y.get(1))));
        return fold;
    }

    /** The same fold, from what the store returns for each stream. */
    private Map<String, List<Long>> foldStore(Set<String> streams) {
        Map<String, List<Long>> fold = new TreeMap<>();
        for (String stream : streams) {
            List<RecordedEvent> events = store.read(stream);
            fold.put(stream, List.of((long) events.size(), events.stream().mapToLong(e -> amountOf(e.data())).sum()));
        }
        return fold;
    }

    private void createReadModel() {
        tx.inTransaction(c -> {
            try (Statement st = c.createStatement()) {
                st.execute("CREATE TABLE " + schemaName + ".stream_totals (stream text PRIMARY KEY,"
                        + " events bigint NOT NULL, total bigint NOT NULL)");
                st.execute("CREATE TABLE " + schemaName + ".applied_events (event_id text NOT NULL)");
            }
            return null;
        });
    }

    private Map<String, List<Long>> readModel() {
        return tx.inTransaction(c -> {
            Map<String, List<Long>> model = new TreeMap<>();
            try (Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT stream, events, total FROM " + schemaName + ".stream_totals")) {
                while (rs.next()) {
                    model.put(rs.getString(1), List.of(rs.getLong(2), rs.getLong(3)));
                }
            }
            return model;
        });
    }

    private Set<String> appliedIds() {
        return tx.inTransaction(c -> {
            Set<String> ids = ConcurrentHashMap.newKeySet();
            try (Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT event_id FROM " + schemaName + ".applied_events")) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
            return ids;
        });
    }

    private long count(String sql) {
        return tx.inTransaction(c -> {
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(String.format(sql, schemaName))) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    private static long currentTransaction(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_current_xact_id()::text::bigint")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static HikariDataSource pool() {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(URL);
        config.setUsername(USER);
        config.setMaximumPoolSize(APPENDERS + 6);
        config.setConnectionTimeout(10_000);
        return new HikariDataSource(config);
    }

    /** Per stream: count and sum of the amounts, and a log of every application, on the checkpoint's connection. */
    private final class StreamTotals implements Projection {
        @Override
        public String name() {
            return "stream-totals";
        }

        @Override
        public void apply(ProjectionTransaction ptx, RecordedEvent event) throws SQLException {
            try (PreparedStatement total = ptx.connection().prepareStatement("INSERT INTO " + schemaName
                    + ".stream_totals (stream, events, total) VALUES (?, 1, ?) ON CONFLICT (stream)"
                    + " DO UPDATE SET events = stream_totals.events + 1, total = stream_totals.total + EXCLUDED.total");
                    PreparedStatement log = ptx.connection().prepareStatement(
                            "INSERT INTO " + schemaName + ".applied_events (event_id) VALUES (?)")) {
                total.setString(1, event.stream());
                total.setLong(2, amountOf(event.data()));
                total.executeUpdate();
                log.setString(1, event.id());
                log.executeUpdate();
            }
            appliedAt.putIfAbsent(event.id(), System.nanoTime());
        }
    }
}
