package dev.chassis.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import dev.chassis.core.eventsourcing.EventStoreSchema;
import dev.chassis.core.eventsourcing.ExpectedVersion;
import dev.chassis.core.eventsourcing.JdbcEventStore;
import dev.chassis.core.eventsourcing.NewEvent;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@link JdbcEventStore#append} on the local PostgreSQL against raw JDBC inserts of the same rows
 * into a table of the same shape (same columns, keys and indexes), measured in the same run:
 * <ul>
 *   <li>single: 8 writers (or the number given), one event per transaction, each writer appending
 *       to its own 64 streams in turn with the exact expected version. Raw: one
 *       {@code INSERT ... VALUES} and the commit.</li>
 *   <li>batch: the same with 100 events per transaction. Raw: a JDBC batch of 100 inserts.</li>
 * </ul>
 * Each phase runs a warm-up, then raw and store alternately for {@code rounds} rounds of
 * {@code seconds} each; events/s are summed over the rounds. Both tables have the same unique keys
 * and indexes; the store adds the expected-version guard, the metadata's JSON encoding and the
 * positions it returns.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.chassis.benchmarks.EventStoreBenchmark [seconds] [rounds] [writers]
 * </pre>
 */
public final class EventStoreBenchmark {
    private static final int STREAMS_PER_WRITER = 64;
    private static final String DATA = "{\"sku\": \"A-1001\", \"total\": 1250, \"currency\": \"EUR\", \"quantity\": 3}";
    private static final Map<String, String> METADATA = Map.of("correlationId", "c-bench");

    private final String id = UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    private final EventStoreSchema schema = EventStoreSchema.of("bench_es_" + id);
    private final String raw = schema.schema() + ".raw_events";
    private final int writers;

    private EventStoreBenchmark(int writers) {
        this.writers = writers;
    }

    /**
     * Runs the benchmark.
     *
     * @param args optional: seconds per measured run (default 10), rounds (default 1), writers (default 8)
     * @throws Exception on any database failure
     */
    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        int writers = args.length > 2 ? Integer.parseInt(args[2]) : 8;
        new EventStoreBenchmark(writers).run(seconds, rounds);
    }

    private void run(int seconds, int rounds) throws Exception {
        try (HikariDataSource ds = BenchDatabase.pool(writers)) {
            schema.create(ds);
            try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
                st.execute("CREATE TABLE " + raw + " (LIKE " + schema.qualifiedTable() + " INCLUDING ALL)");
            }
            JdbcEventStore store = JdbcEventStore.create(ds, b -> b.schema(schema));
            try {
                for (int batch : new int[] {1, 100}) {
                    String phase = batch == 1 ? "single (1 event/tx)" : "batch (" + batch + " events/tx)";
                    measure(ds, store, batch, 3, true);
                    measure(ds, store, batch, 3, false);
                    long rawEvents = 0;
                    long storeEvents = 0;
                    for (int r = 0; r < rounds; r++) {
                        long rawRound = measure(ds, store, batch, seconds, true);
                        long storeRound = measure(ds, store, batch, seconds, false);
                        System.out.printf("  %s round %d: raw %.0f events/s, store %.0f events/s%n", phase, r,
                                rawRound / (double) seconds, storeRound / (double) seconds);
                        rawEvents += rawRound;
                        storeEvents += storeRound;
                    }
                    double rawRate = rawEvents / (double) (seconds * rounds);
                    double storeRate = storeEvents / (double) (seconds * rounds);
                    System.out.printf("RESULT %s, %d writers, %d x %d s: raw JDBC %.0f events/s, JdbcEventStore %.0f"
                            + " events/s, ratio %.2f%n", phase, writers, rounds, seconds, rawRate, storeRate,
                            storeRate / rawRate);
                }
            } finally {
                try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
                    st.execute("DROP SCHEMA IF EXISTS " + schema.schema() + " CASCADE");
                }
            }
        }
    }

    /** Runs the writers for the given seconds; returns the events they committed. */
    private long measure(HikariDataSource ds, JdbcEventStore store, int batch, int seconds, boolean rawJdbc)
            throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong events = new AtomicLong();
        String run = UUID.randomUUID().toString().substring(0, 8);
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        List<Future<?>> done = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            String prefix = (rawJdbc ? "raw-" : "store-") + run + "-" + w + "-";
            done.add(pool.submit(() -> {
                long[] versions = new long[STREAMS_PER_WRITER];
                for (int n = 0; !stop.get(); n++) {
                    int s = n % STREAMS_PER_WRITER;
                    String stream = prefix + s;
                    List<NewEvent> batchEvents = new ArrayList<>(batch);
                    for (int i = 0; i < batch; i++) {
                        batchEvents.add(new NewEvent(UUID.randomUUID().toString(), "order.placed", 1, DATA, METADATA));
                    }
                    if (rawJdbc) {
                        insertRaw(ds, stream, versions[s], batchEvents);
                    } else {
                        store.append(stream, ExpectedVersion.exactly(versions[s]), batchEvents);
                    }
                    versions[s] += batch;
                    events.addAndGet(batch);
                }
                return null;
            }));
        }
        TimeUnit.SECONDS.sleep(seconds);
        stop.set(true);
        long counted = events.get();
        for (Future<?> f : done) {
            f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
        return counted;
    }

    /** The baseline: plain JDBC, the same row values, one transaction. */
    private void insertRaw(HikariDataSource ds, String stream, long version, List<NewEvent> events) throws Exception {
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + raw + " (stream, version, event_id,"
                    + " event_type, type_version, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, ?)")) {
                OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
                long v = version;
                for (NewEvent e : events) {
                    ps.setString(1, stream);
                    ps.setLong(2, ++v);
                    ps.setString(3, e.id());
                    ps.setString(4, e.type());
                    ps.setInt(5, e.typeVersion());
                    ps.setString(6, e.data());
                    ps.setString(7, "{\"correlationId\":\"c-bench\"}");
                    ps.setObject(8, now);
                    if (events.size() == 1) {
                        ps.executeUpdate();
                    } else {
                        ps.addBatch();
                    }
                }
                if (events.size() > 1) {
                    ps.executeBatch();
                }
            }
            c.commit();
        }
    }
}
