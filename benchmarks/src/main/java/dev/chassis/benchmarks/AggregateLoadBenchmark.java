package dev.chassis.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import dev.chassis.core.eventsourcing.AggregateRoot;
import dev.chassis.core.eventsourcing.EventStoreSchema;
import dev.chassis.core.eventsourcing.EventTypes;
import dev.chassis.core.eventsourcing.JdbcEventStore;
import dev.chassis.core.eventsourcing.JdbcSnapshotStore;
import dev.chassis.core.eventsourcing.Repository;
import dev.chassis.core.eventsourcing.SnapshotSchema;
import dev.chassis.core.eventsourcing.SnapshotType;
import dev.chassis.core.eventsourcing.Snapshottable;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.LongSupplier;

/**
 * Loading a 1,000-event aggregate from {@link JdbcEventStore} through a {@link Repository}, with and
 * without snapshots, against a raw JDBC {@code SELECT} of the same 1,000 rows, on the local
 * PostgreSQL, single-threaded:
 * <ul>
 *   <li>raw: one {@code SELECT} of the stream's rows (the same columns the store reads), each row's
 *       strings and numbers taken out of the result set; nothing decoded. For the snapshotted load, the
 *       same for the snapshot row and the 50 rows after it.</li>
 *   <li>replay: {@code Repository.load} without snapshots: the 1,000 rows read, each event's JSON
 *       decoded into its record and replayed.</li>
 *   <li>snapshot+N: {@code Repository.load} with {@link JdbcSnapshotStore} (snapshots every 100
 *       events): the snapshot read and restored, then the N events after it replayed (N = 50, the
 *       average tail with an interval of 100, and N = 99, the longest).</li>
 * </ul>
 * Each variant runs a warm-up, then all variants take turns for {@code rounds} rounds of
 * {@code seconds} each; loads/s are summed over the rounds.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.chassis.benchmarks.AggregateLoadBenchmark [seconds] [rounds]
 * </pre>
 */
public final class AggregateLoadBenchmark {
    private static final int EVENTS = 1_000;
    private static final int SNAPSHOT_EVERY = 100;

    private final String id = UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    private final EventStoreSchema schema = EventStoreSchema.of("bench_load_" + id);
    private final SnapshotSchema snapshotSchema = SnapshotSchema.of(schema.schema());

    private AggregateLoadBenchmark() {
    }

    /**
     * Runs the benchmark.
     *
     * @param args optional: seconds per measured run (default 5), rounds (default 3)
     * @throws Exception on any database failure
     */
    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        new AggregateLoadBenchmark().run(seconds, rounds);
    }

    private void run(int seconds, int rounds) throws Exception {
        try (HikariDataSource ds = BenchDatabase.pool(4)) {
            schema.create(ds);
            snapshotSchema.create(ds);
            try {
                JdbcEventStore store = JdbcEventStore.create(ds, b -> b.schema(schema));
                EventTypes types = Account.types();
                Repository<Account> plain = Repository.builder(Account.class, Account::new)
                        .eventStore(store).eventTypes(types).streamPrefix("account-").build();
                Repository<Account> snapshotted = Repository.builder(Account.class, Account::new)
                        .eventStore(store).eventTypes(types).streamPrefix("account-")
                        .snapshots(JdbcSnapshotStore.of(ds, snapshotSchema), SNAPSHOT_EVERY).build();
                fill(plain, snapshotted, "replay", 0);
                fill(plain, snapshotted, "tail50", 50);
                fill(plain, snapshotted, "tail99", 99);
                String rawSql = "SELECT seq, transaction_id::text::bigint, stream, version, event_id, event_type,"
                        + " type_version, data::text, metadata::text, recorded_at FROM " + schema.qualifiedTable()
                        + " WHERE stream = ? AND version >= ? ORDER BY version";
                Map<String, LongSupplier> variants = new LinkedHashMap<>();
                String snapshotSql = "SELECT version, state::text FROM " + snapshotSchema.qualifiedTable() + " WHERE stream = ?";
                variants.put("raw JDBC SELECT of 1,000 rows", () -> rawSelect(ds, rawSql, "account-replay", 0, EVENTS));
                variants.put("raw JDBC SELECT of the snapshot row + 50 rows",
                        () -> rawSnapshotSelect(ds, snapshotSql, rawSql, "account-tail50", 50));
                variants.put("Repository.load, no snapshot (1,000 events)", () -> load(plain, "replay", 0));
                variants.put("Repository.load, snapshot + 50 events", () -> load(snapshotted, "tail50", 50));
                variants.put("Repository.load, snapshot + 99 events", () -> load(snapshotted, "tail99", 99));
                for (LongSupplier load : variants.values()) {
                    measure(load, 3);
                }
                Map<String, Long> loads = new LinkedHashMap<>();
                for (int r = 0; r < rounds; r++) {
                    for (Map.Entry<String, LongSupplier> v : variants.entrySet()) {
                        long n = measure(v.getValue(), seconds);
                        System.out.printf("  round %d %s: %.0f loads/s%n", r, v.getKey(), n / (double) seconds);
                        loads.merge(v.getKey(), n, Long::sum);
                    }
                }
                double total = seconds * (double) rounds;
                double raw = loads.get("raw JDBC SELECT of 1,000 rows") / total;
                double rawSnapshot = loads.get("raw JDBC SELECT of the snapshot row + 50 rows") / total;
                double replay = loads.get("Repository.load, no snapshot (1,000 events)") / total;
                for (Map.Entry<String, Long> e : loads.entrySet()) {
                    double rate = e.getValue() / total;
                    System.out.printf("RESULT %s, %d x %d s: %.0f loads/s, %.3f ms/load, vs raw 1,000 rows %.2f,"
                            + " vs raw snapshot + 50 rows %.2f, vs replay %.2f%n", e.getKey(), rounds, seconds, rate,
                            1_000 / rate, rate / raw, rate / rawSnapshot, rate / replay);
                }
            } finally {
                try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
                    st.execute("DROP SCHEMA IF EXISTS " + schema.schema() + " CASCADE");
                }
            }
        }
    }

    /**
     * Writes a 1,000-event account. With {@code tail > 0} the first {@code 1,000 - tail} events are
     * saved at once through the snapshotting repository (a snapshot at that version), the rest
     * through the plain one, so a snapshotted load replays exactly {@code tail} events.
     */
    private static void fill(Repository<Account> plain, Repository<Account> snapshotted, String id, int tail) {
        Account account = new Account(id);
        account.open("ada");
        for (int i = 1; i < EVENTS - tail; i++) {
            account.deposit(i);
        }
        (tail > 0 ? snapshotted : plain).save(account);
        if (tail > 0) {
            Account rest = plain.load(id).orElseThrow();
            for (int i = 0; i < tail; i++) {
                rest.deposit(i + 1);
            }
            plain.save(rest);
        }
    }

    private static long load(Repository<Account> repository, String id, int tail) {
        Account account = repository.load(id).orElseThrow();
        if (account.version() != EVENTS || account.replayed != (tail == 0 ? EVENTS : tail)) {
            throw new IllegalStateException("account-" + id + " loaded at version " + account.version() + " after "
                    + account.replayed + " events replayed; expected " + EVENTS + " and " + (tail == 0 ? EVENTS : tail));
        }
        return account.balance;
    }

    /**
     * The raw baseline of a snapshotted load: the snapshot row, then the rows after it, each query on a
     * connection of its own from the pool, as the repository's two stores do.
     */
    private static long rawSnapshotSelect(HikariDataSource ds, String snapshotSql, String sql, String stream, int tail) {
        long version;
        long bytes;
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(snapshotSql)) {
            ps.setString(1, stream);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                version = rs.getLong(1);
                bytes = rs.getString(2).length();
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
        return bytes + rawSelect(ds, sql, stream, version, tail);
    }

    private static long rawSelect(HikariDataSource ds, String sql, String stream, long after, int expected) {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, stream);
            ps.setLong(2, after + 1);
            long rows = 0;
            long bytes = 0;
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rs.getLong(1);
                    rs.getLong(2);
                    bytes += rs.getString(3).length();
                    rs.getLong(4);
                    bytes += rs.getString(5).length() + rs.getString(6).length();
                    rs.getInt(7);
                    bytes += rs.getString(8).length() + rs.getString(9).length();
                    rs.getObject(10, java.time.OffsetDateTime.class);
                    rows++;
                }
            }
            if (rows != expected) {
                throw new IllegalStateException("raw select read " + rows + " rows, expected " + expected);
            }
            return bytes;
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long measure(LongSupplier load, int seconds) {
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        long loads = 0;
        long sink = 0;
        while (System.nanoTime() < end) {
            sink += load.getAsLong();
            loads++;
        }
        if (sink == 42) {
            System.out.print("");
        }
        return loads;
    }

    /** The benchmark's aggregate: an account opened once and then given deposits. */
    static final class Account extends AggregateRoot implements Snapshottable<Account.Balance> {
        private static final SnapshotType<Balance> BALANCE = SnapshotType.of("account.balance", 1, Balance.class);

        private String owner = "";
        private long balance;
        private int deposits;
        private int replayed;

        Account(String id) {
            super(id);
        }

        static EventTypes types() {
            return EventTypes.builder()
                    .register(Opened.class, "account.opened")
                    .register(Deposited.class, "account.deposited")
                    .build();
        }

        void open(String name) {
            apply(new Opened(name));
        }

        void deposit(long amount) {
            apply(new Deposited(amount, "EUR", "A-1001", "deposit " + (deposits + 1)));
        }

        @Override
        protected void when(Object event) {
            replayed++;
            if (event instanceof Opened o) {
                owner = o.owner();
            } else if (event instanceof Deposited d) {
                balance += d.amount();
                deposits++;
            } else {
                throw new IllegalArgumentException("unknown event " + event);
            }
        }

        @Override
        public SnapshotType<Balance> snapshotType() {
            return BALANCE;
        }

        @Override
        public Balance snapshot() {
            return new Balance(owner, balance, deposits);
        }

        @Override
        public void restore(Balance state) {
            owner = state.owner();
            balance = state.amount();
            deposits = state.deposits();
        }

        /** The snapshot state. */
        record Balance(String owner, long amount, int deposits) {
        }

        /** The account was opened. */
        record Opened(String owner) {
        }

        /** Money came in. */
        record Deposited(long amount, String currency, String reference, String note) {
        }
    }
}
