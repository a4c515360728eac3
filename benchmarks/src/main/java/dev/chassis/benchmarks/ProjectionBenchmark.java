package dev.chassis.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import dev.chassis.core.eventsourcing.EventStoreSchema;
import dev.chassis.core.eventsourcing.ExpectedVersion;
import dev.chassis.core.eventsourcing.GlobalPosition;
import dev.chassis.core.eventsourcing.JdbcEventStore;
import dev.chassis.core.eventsourcing.NewEvent;
import dev.chassis.core.eventsourcing.RecordedEvent;
import dev.chassis.core.eventsourcing.projection.CheckpointSchema;
import dev.chassis.core.eventsourcing.projection.JdbcCheckpointStore;
import dev.chassis.core.eventsourcing.projection.Projection;
import dev.chassis.core.eventsourcing.projection.ProjectionTransaction;
import dev.chassis.core.eventsourcing.projection.ProjectorRunner;
import dev.chassis.core.jdbc.TxRunner;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Projection catch-up on the local PostgreSQL: how many events per second a {@link ProjectorRunner}
 * with {@link JdbcCheckpointStore} applies from a backlog to a read-model table, against a raw JDBC
 * loop doing the same work, measured in the same run:
 * <ul>
 *   <li>the backlog: {@code events} events (default 50,000) over 1,000 streams, appended 50 per
 *       transaction before anything is timed;</li>
 *   <li>the read model: per stream the number of events and the sum of an amount in the event's
 *       JSON data, one {@code INSERT ... ON CONFLICT DO UPDATE} per event;</li>
 *   <li>runner: {@code ProjectorRunner} with batch size 100 or 500 ({@code EventStore.readAll} on one
 *       connection, then one transaction that locks the checkpoint row, applies the batch through
 *       the projection and writes the checkpoint), timed from {@code start()} until its position is
 *       the last event's;</li>
 *   <li>raw: the same page size, a {@code SELECT} of the same columns by {@code seq} order on one
 *       connection, then one transaction that locks its own checkpoint row ({@code FOR UPDATE}), runs
 *       the same upsert per event on one prepared statement, and updates the checkpoint.</li>
 * </ul>
 * Each variant writes to a table of its own; raw and runner take turns at going first. Round 0 is
 * a warm-up; the mean events/s of the measured rounds are reported.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.chassis.benchmarks.ProjectionBenchmark [events] [rounds]
 * </pre>
 */
public final class ProjectionBenchmark {
    private static final int STREAMS = 1_000;
    private static final int PER_APPEND = 50;
    private static final Pattern AMOUNT = Pattern.compile("\"amount\":\\s*(\\d+)");

    private final String id = UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    private final EventStoreSchema schema = EventStoreSchema.of("bench_proj_" + id);
    private final CheckpointSchema checkpointSchema = CheckpointSchema.of(schema.schema());
    private int tables;
    private int backlog;
    private long expectedTotal = -1;

    private ProjectionBenchmark() {
    }

    /**
     * Runs the benchmark.
     *
     * @param args optional: events in the backlog (default 50000), measured rounds (default 4)
     * @throws Exception on any database failure
     */
    public static void main(String[] args) throws Exception {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 50_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        new ProjectionBenchmark().run(events, rounds);
    }

    private void run(int events, int rounds) throws Exception {
        try (HikariDataSource ds = BenchDatabase.pool(4)) {
            schema.create(ds);
            checkpointSchema.create(ds);
            execute(ds, "CREATE TABLE " + schema.schema() + ".raw_checkpoints (name text PRIMARY KEY, seq bigint NOT NULL)");
            try {
                JdbcEventStore store = JdbcEventStore.create(ds, b -> b.schema(schema));
                GlobalPosition head = fill(store, events);
                backlog = events;
                Map<String, Double> rates = new LinkedHashMap<>();
                for (int r = 0; r <= rounds; r++) {
                    for (int batch : new int[] {100, 500}) {
                        // the side that runs second meets the first one's dead rows and WAL: take turns
                        double raw;
                        double runner;
                        if (r % 2 == 0) {
                            runner = events / runner(ds, store, batch, head);
                            raw = events / raw(ds, batch, events);
                        } else {
                            raw = events / raw(ds, batch, events);
                            runner = events / runner(ds, store, batch, head);
                        }
                        System.out.printf("  round %d%s, batch %d: raw %.0f events/s, runner %.0f events/s%n", r,
                                r == 0 ? " (warm-up)" : "", batch, raw, runner);
                        if (r > 0) {
                            rates.merge("raw " + batch, raw / rounds, Double::sum);
                            rates.merge("runner " + batch, runner / rounds, Double::sum);
                        }
                    }
                }
                for (int batch : new int[] {100, 500}) {
                    double raw = rates.get("raw " + batch);
                    double runner = rates.get("runner " + batch);
                    System.out.printf("RESULT catch-up of %d events, batch %d, mean of %d rounds: raw JDBC %.0f events/s,"
                            + " ProjectorRunner %.0f events/s, ratio %.2f%n", events, batch, rounds, raw, runner,
                            runner / raw);
                }
            } finally {
                execute(ds, "DROP SCHEMA IF EXISTS " + schema.schema() + " CASCADE");
            }
        }
    }

    private static GlobalPosition fill(JdbcEventStore store, int events) {
        List<NewEvent> batch = new ArrayList<>();
        int appends = 0;
        for (int i = 0; i < events; i++) {
            batch.add(NewEvent.of("order.placed", 1, "{\"sku\": \"A-1001\", \"amount\": " + (i % 997)
                    + ", \"currency\": \"EUR\", \"quantity\": 3}"));
            if (batch.size() == PER_APPEND || i == events - 1) {
                store.append("order-" + (appends++ % STREAMS), ExpectedVersion.any(), batch);
                batch = new ArrayList<>();
            }
        }
        List<RecordedEvent> last = store.readAll(GlobalPosition.START, Integer.MAX_VALUE);
        if (last.size() != events) {
            throw new IllegalStateException("backlog has " + last.size() + " events, expected " + events);
        }
        return last.get(last.size() - 1).position();
    }

    /** A fresh read-model table; returns its qualified name. */
    private String readModel(HikariDataSource ds) throws SQLException {
        String table = schema.schema() + ".totals_" + (++tables);
        execute(ds, "CREATE TABLE " + table + " (stream text PRIMARY KEY, events bigint NOT NULL, total bigint NOT NULL)");
        return table;
    }

    private static String upsert(String table) {
        return "INSERT INTO " + table + " AS t (stream, events, total) VALUES (?, 1, ?) ON CONFLICT (stream)"
                + " DO UPDATE SET events = t.events + 1, total = t.total + EXCLUDED.total";
    }

    /** Seconds the runner took to apply the whole backlog. */
    private double runner(HikariDataSource ds, JdbcEventStore store, int batch, GlobalPosition head) throws Exception {
        String table = readModel(ds);
        Projection projection = new Totals("totals-" + tables, upsert(table));
        ProjectorRunner runner = ProjectorRunner.builder(projection, store,
                        JdbcCheckpointStore.of(TxRunner.of(ds), checkpointSchema))
                .batchSize(batch)
                .pollInterval(Duration.ofMillis(10))
                .build();
        long start = System.nanoTime();
        runner.start();
        try {
            while (!runner.position().equals(head)) {
                if (runner.status().failing()) {
                    throw new IllegalStateException("runner failing: " + runner.status().lastError());
                }
                TimeUnit.MILLISECONDS.sleep(1);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            verify(ds, table, backlog);
            return seconds;
        } finally {
            runner.close();
        }
    }

    /** Seconds the raw loop took to apply the whole backlog. */
    private double raw(HikariDataSource ds, int batch, int events) throws Exception {
        String table = readModel(ds);
        String name = "raw-" + tables;
        String select = "SELECT seq, transaction_id::text::bigint, stream, version, event_id, event_type,"
                + " type_version, data::text, metadata::text, recorded_at FROM " + schema.qualifiedTable()
                + " WHERE seq > ? ORDER BY seq LIMIT ?";
        String lock = "SELECT seq FROM " + schema.schema() + ".raw_checkpoints WHERE name = ? FOR UPDATE";
        String update = "UPDATE " + schema.schema() + ".raw_checkpoints SET seq = ? WHERE name = ?";
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO " + schema.schema() + ".raw_checkpoints (name, seq) VALUES (?, 0)")) {
            ps.setString(1, name);
            ps.executeUpdate();
        }
        long start = System.nanoTime();
        long applied = 0;
        long checkpoint = 0;
        while (true) {
            List<String[]> page = new ArrayList<>(batch);
            try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(select)) {
                ps.setLong(1, checkpoint);
                ps.setInt(2, batch);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        page.add(new String[] {Long.toString(rs.getLong(1)), rs.getString(3), rs.getString(8)});
                    }
                }
            }
            if (page.isEmpty()) {
                break;
            }
            try (Connection c = ds.getConnection()) {
                c.setAutoCommit(false);
                try (PreparedStatement l = c.prepareStatement(lock)) {
                    l.setString(1, name);
                    try (ResultSet rs = l.executeQuery()) {
                        rs.next();
                    }
                }
                try (PreparedStatement up = c.prepareStatement(upsert(table))) {
                    for (String[] row : page) {
                        up.setString(1, row[1]);
                        up.setLong(2, amount(row[2]));
                        up.executeUpdate();
                    }
                }
                checkpoint = Long.parseLong(page.get(page.size() - 1)[0]);
                try (PreparedStatement u = c.prepareStatement(update)) {
                    u.setLong(1, checkpoint);
                    u.setString(2, name);
                    u.executeUpdate();
                }
                c.commit();
                c.setAutoCommit(true);
            }
            applied += page.size();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (applied != events) {
            throw new IllegalStateException("raw loop applied " + applied + " events, expected " + events);
        }
        verify(ds, table, events);
        return seconds;
    }

    /** Checks that a read model counted every event of the backlog once, and that all read models agree. */
    private void verify(HikariDataSource ds, String table, int events) throws SQLException {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT sum(events), sum(total) FROM " + table)) {
            rs.next();
            long counted = rs.getLong(1);
            long total = rs.getLong(2);
            if (counted != events || (expectedTotal >= 0 && total != expectedTotal)) {
                throw new IllegalStateException(table + " counted " + counted + " events, total " + total + "; expected "
                        + events + " and " + expectedTotal);
            }
            expectedTotal = total;
        }
    }

    private static long amount(String data) {
        Matcher m = AMOUNT.matcher(data);
        if (!m.find()) {
            throw new IllegalArgumentException("no amount in " + data);
        }
        return Long.parseLong(m.group(1));
    }

    private static void execute(HikariDataSource ds, String sql) throws SQLException {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    /** The read model of the runner: the same upsert as the raw loop, one per event. */
    private static final class Totals implements Projection {
        private final String name;
        private final String upsert;

        Totals(String name, String upsert) {
            this.name = name;
            this.upsert = upsert;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public void apply(ProjectionTransaction tx, RecordedEvent event) throws SQLException {
            try (PreparedStatement ps = tx.connection().prepareStatement(upsert)) {
                ps.setString(1, event.stream());
                ps.setLong(2, amount(event.data()));
                ps.executeUpdate();
            }
        }
    }
}
