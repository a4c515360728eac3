package dev.chassis.core.eventsourcing.projection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.chassis.core.eventsourcing.GlobalPosition;
import dev.chassis.core.eventsourcing.InMemoryEventStore;
import dev.chassis.core.eventsourcing.RecordedEvent;
import dev.chassis.core.jdbc.TxRunner;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The runner with {@link JdbcCheckpointStore} and a read model in the same PostgreSQL database,
 * through crashes, killed sessions, restarts and several instances. The events come from an
 * {@link InMemoryEventStore}; each test has a schema of its own, dropped afterwards.
 */
class ProjectorRunnerIT {
    private static final String URL = System.getProperty("chassis.pg.url", "jdbc:postgresql://127.0.0.1:5432/test");
    private static final String USER = System.getProperty("chassis.pg.user", "postgres");
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final String id = UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    private final CheckpointSchema schema = CheckpointSchema.of("projection_it_" + id);
    private final InMemoryEventStore events = new InMemoryEventStore();
    private final List<HikariDataSource> pools = new ArrayList<>();
    private final List<ProjectorRunner> runners = new ArrayList<>();

    @AfterEach
    void cleanUp() throws SQLException {
        runners.forEach(ProjectorRunner::close);
        pools.forEach(HikariDataSource::close);
        try (Connection c = DriverManager.getConnection(URL, USER, ""); Statement st = c.createStatement()) {
            st.execute("DROP SCHEMA IF EXISTS " + schema.schema() + " CASCADE");
        }
    }

    /** A pool whose sessions are named {@code it-<id>-<role>}, so a test can terminate them. */
    private HikariDataSource pool(String role) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(URL);
        config.setUsername(USER);
        config.setMaximumPoolSize(4);
        config.setConnectionTimeout(5_000);
        config.addDataSourceProperty("ApplicationName", "it-" + id + "-" + role);
        HikariDataSource ds = new HikariDataSource(config);
        pools.add(ds);
        return ds;
    }

    private void createReadModel(HikariDataSource ds) {
        schema.create(ds);
        TxRunner.of(ds).inTransaction(c -> {
            try (Statement st = c.createStatement()) {
                st.execute("CREATE TABLE " + schema.schema() + ".account_totals (stream text PRIMARY KEY, total bigint NOT NULL)");
                st.execute("CREATE TABLE " + schema.schema() + ".applications (event_id text NOT NULL)");
            }
            return null;
        });
    }

    private ProjectorRunner runner(Projection projection, String role) {
        HikariDataSource ds = pool(role);
        ProjectorRunner runner = ProjectorRunner.builder(projection, events, JdbcCheckpointStore.of(TxRunner.of(ds), schema))
                .batchSize(50)
                .pollInterval(Duration.ofMillis(20))
                .retryBackoff(Duration.ofMillis(10), Duration.ofMillis(50))
                .build();
        runners.add(runner);
        return runner;
    }

    private void appendAmounts(int count) {
        for (int i = 1; i <= count; i++) {
            Ledger.append(events, "account-" + (i % 11), i);
        }
    }

    private GlobalPosition head() {
        List<RecordedEvent> all = events.readAll(GlobalPosition.START, Integer.MAX_VALUE);
        return all.isEmpty() ? GlobalPosition.START : all.get(all.size() - 1).position();
    }

    @Test
    void crashesKilledSessionsAndRestartsNeitherLoseNorDoubleApplyAnEvent() throws Exception {
        // given a read model next to the checkpoints, and a projection that crashes now and then
        // after writing but before its transaction commits
        int total = 1500;
        HikariDataSource admin = pool("admin");
        createReadModel(admin);
        SqlLedger ledger = new SqlLedger(schema.schema(), 25);
        Thread appender = new Thread(() -> appendAmounts(total));
        appender.start();
        ProjectorRunner first = runner(ledger, "first");
        first.start();
        await().atMost(TIMEOUT).until(() -> count(admin, "SELECT count(*) FROM %s.applications") >= 300);

        // when: the first instance is stopped mid-stream, two others take over, and their database
        // sessions are killed while they work
        first.close();
        long appliedByFirst = count(admin, "SELECT count(*) FROM %s.applications");
        ProjectorRunner second = runner(ledger, "second");
        ProjectorRunner third = runner(ledger, "third");
        second.start();
        third.start();
        int killed = 0;
        for (int round = 0; round < 5; round++) {
            long seen = count(admin, "SELECT count(*) FROM %s.applications");
            await().atMost(TIMEOUT).until(() -> count(admin, "SELECT count(*) FROM %s.applications") > seen + 50
                    || second.position().equals(head()));
            killed += terminate(admin, "second") + terminate(admin, "third");
        }
        appender.join(TIMEOUT.toMillis());
        await().atMost(TIMEOUT).until(() -> second.position().equals(head()) && third.position().equals(head())
                && !second.status().failing() && !third.status().failing());

        // then
        long applied = count(admin, "SELECT count(DISTINCT event_id) FROM %s.applications");
        long duplicates = count(admin, "SELECT count(*) FROM %s.applications") - applied;
        long skipped = total - applied;
        System.out.printf("events=%d appliedBeforeRestart=%d applied=%d duplicates=%d skipped=%d crashes=%d"
                + " killedSessions=%d%n", total, appliedByFirst, applied, duplicates, skipped, ledger.crashes.get(), killed);
        assertThat(duplicates).isZero();
        assertThat(skipped).isZero();
        assertThat(ledger.crashes.get()).isPositive();
        assertThat(readModel(admin)).isEqualTo(Ledger.fold(events));
        assertThat(JdbcCheckpointStore.of(TxRunner.of(admin), schema).position("sql-ledger")).isEqualTo(head());
        // a batch whose commit reply was lost with a killed session counts for no runner, though it committed
        assertThat(second.status().applied() + third.status().applied() + first.status().applied())
                .isBetween(total - (long) killed * 50, (long) total);
    }

    @Test
    void rebuildReplacesTheReadModelWithTheSameOne() {
        // given
        HikariDataSource admin = pool("admin");
        createReadModel(admin);
        appendAmounts(300);
        ProjectorRunner runner = runner(new SqlLedger(schema.schema(), 0), "runner");
        runner.start();
        await().atMost(TIMEOUT).until(() -> runner.position().equals(head()));
        Map<String, Long> before = readModel(admin);

        // when
        runner.rebuild();

        // then
        await().atMost(TIMEOUT).until(() -> runner.position().equals(head()) && runner.status().caughtUp());
        assertThat(readModel(admin)).isEqualTo(before).isEqualTo(Ledger.fold(events));
        assertThat(count(admin, "SELECT count(*) FROM %s.applications")).isEqualTo(300);
        assertThat(runner.status().applied()).isEqualTo(600);
    }

    private long count(HikariDataSource ds, String sql) {
        return TxRunner.of(ds).inTransaction(c -> {
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(String.format(sql, schema.schema()))) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    private Map<String, Long> readModel(HikariDataSource ds) {
        return TxRunner.of(ds).inTransaction(c -> {
            Map<String, Long> totals = new TreeMap<>();
            try (Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT stream, total FROM " + schema.schema() + ".account_totals")) {
                while (rs.next()) {
                    totals.put(rs.getString(1), rs.getLong(2));
                }
            }
            return totals;
        });
    }

    private int terminate(HikariDataSource ds, String role) {
        return TxRunner.of(ds).inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                    + " WHERE application_name = ? AND pid <> pg_backend_pid()")) {
                ps.setString(1, "it-" + id + "-" + role);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            }
        });
    }

    /**
     * Sums amounts per stream in {@code account_totals} and logs each application in
     * {@code applications}, on the checkpoint's connection. With {@code crashOneIn > 0} it throws
     * after writing about once in that many events: a crash before the commit.
     */
    private static final class SqlLedger implements Projection {
        final AtomicInteger crashes = new AtomicInteger();
        private final String schema;
        private final int crashOneIn;

        SqlLedger(String schema, int crashOneIn) {
            this.schema = schema;
            this.crashOneIn = crashOneIn;
        }

        @Override
        public String name() {
            return "sql-ledger";
        }

        @Override
        public void apply(ProjectionTransaction tx, RecordedEvent event) throws SQLException {
            try (PreparedStatement total = tx.connection().prepareStatement("INSERT INTO " + schema
                    + ".account_totals (stream, total) VALUES (?, ?) ON CONFLICT (stream)"
                    + " DO UPDATE SET total = account_totals.total + EXCLUDED.total");
                    PreparedStatement log = tx.connection().prepareStatement(
                            "INSERT INTO " + schema + ".applications (event_id) VALUES (?)")) {
                total.setString(1, event.stream());
                total.setLong(2, Ledger.amount(event));
                total.executeUpdate();
                log.setString(1, event.id());
                log.executeUpdate();
            }
            if (crashOneIn > 0 && ThreadLocalRandom.current().nextInt(crashOneIn) == 0) {
                crashes.incrementAndGet();
                throw new IllegalStateException("simulated crash after applying " + event.id() + ", before the commit");
            }
        }

        @Override
        public void reset(ProjectionTransaction tx) throws SQLException {
            try (Statement st = tx.connection().createStatement()) {
                st.execute("DELETE FROM " + schema + ".account_totals");
                st.execute("DELETE FROM " + schema + ".applications");
            }
        }
    }
}
