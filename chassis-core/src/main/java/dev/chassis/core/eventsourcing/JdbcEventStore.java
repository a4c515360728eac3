package dev.chassis.core.eventsourcing;

import static java.util.Objects.requireNonNull;

import dev.chassis.core.jdbc.TxRunner;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * An {@link EventStore} in one PostgreSQL table ({@link EventStoreSchema}), PostgreSQL 13 or later.
 * Instances are immutable, thread-safe and intended to be shared.
 *
 * <pre>{@code
 * EventStoreSchema schema = EventStoreSchema.of("orders");
 * schema.create(dataSource);
 * JdbcEventStore store = JdbcEventStore.create(dataSource, b -> b.schema(schema));
 * store.append("order-42", ExpectedVersion.noStream(), List.of(NewEvent.of("order.placed", 1, "{\"total\": 1250}")));
 * }</pre>
 *
 * <h2>Appending</h2>
 * An append is one {@code INSERT ... ON CONFLICT DO NOTHING} of all its events at the versions after
 * the expected one, guarded so that {@code exactly(v)} only inserts when version {@code v} exists. The
 * unique key on {@code (stream, version)} decides races: of concurrent appenders, the first to insert
 * a version wins, the others wait for it to commit and then insert nothing. When fewer rows than
 * events went in, the rows that did are deleted again (they are this transaction's own) and the store
 * looks at why: ids already stored at the same place of the stream make it an idempotent retry that
 * returns the original result; ids stored elsewhere an {@link IllegalArgumentException}; otherwise the
 * stream is at another version and a {@link ConcurrencyException} says which ({@link ExpectedVersion#any()}
 * simply tries again). The common case costs one statement and the commit.
 *
 * <p>{@link #append(Connection, String, ExpectedVersion, List)} does the same in the caller's
 * transaction. Since no statement fails, the caller's transaction remains usable after a
 * {@link ConcurrencyException}. Run appends at READ COMMITTED, PostgreSQL's default: under
 * REPEATABLE READ or SERIALIZABLE a lost race surfaces as a retryable serialization failure instead.
 * An {@link AppendHook} sees the stored events inside the append's transaction.
 *
 * <h2>Reading the whole store</h2>
 * {@link #readAll(GlobalPosition, int)} orders events by the id of the transaction that appended them,
 * then by their sequence number, and returns only events of transactions below the reading snapshot's
 * {@code xmin}, the oldest transaction id still running. Every transaction below {@code xmin} has
 * ended, so the events with such positions are final: a transaction that is still running or starts
 * later has an id of at least {@code xmin}, and its events sort after everything returned so far.
 * Nothing is skipped, whatever the commit order of concurrent appends. A transaction that rolls back
 * ends too: {@code xmin} moves past it and its events never appear, so it does not stall readers.
 * A transaction that stays open does: while any writing transaction on the PostgreSQL server (in
 * any database, and not only appends) is older than the newest events, readers stop before those
 * events and catch up as soon as it ends. Keep transactions short; monitor
 * {@code pg_stat_activity.backend_xid} for old ones.
 */
public final class JdbcEventStore implements EventStore {
    /** How often an append whose expectation still holds is tried again after losing a race. */
    private static final int MAX_ATTEMPTS = 100;

    private final DataSource dataSource;
    private final TxRunner tx;
    private final EventStoreSchema schema;
    private final Clock clock;
    private final AppendHook hook;
    private final EventSql sql;

    private JdbcEventStore(Builder b) {
        this.dataSource = requireNonNull(b.dataSource, "dataSource must be set: builder().dataSource(pool)");
        this.tx = TxRunner.of(dataSource);
        this.schema = b.schema;
        this.clock = b.clock;
        this.hook = b.appendHook;
        this.sql = new EventSql(schema.qualifiedTable());
    }

    /**
     * A store on the table in the {@code public} schema, using the UTC system clock and no hook.
     *
     * @param dataSource a pooled data source, e.g. HikariCP
     * @return the store
     */
    public static JdbcEventStore create(DataSource dataSource) {
        return builder().dataSource(dataSource).build();
    }

    /**
     * A store configured by the given function.
     *
     * @param dataSource a pooled data source, e.g. HikariCP
     * @param configure sets further builder values
     * @return the store
     */
    public static JdbcEventStore create(DataSource dataSource, Consumer<Builder> configure) {
        Builder b = builder().dataSource(dataSource);
        requireNonNull(configure, "configure").accept(b);
        return b.build();
    }

    /** @return a builder with the defaults: {@link EventStoreSchema#defaults()}, the UTC system clock, no hook */
    public static Builder builder() {
        return new Builder();
    }

    /** @return where the table lives */
    public EventStoreSchema schema() {
        return schema;
    }

    /**
     * {@inheritDoc}
     *
     * <p>Runs in a transaction of its own.
     */
    @Override
    public AppendResult append(String stream, ExpectedVersion expected, List<NewEvent> events) {
        StreamNames.check(stream);
        requireNonNull(expected, "expected");
        List<NewEvent> batch = StreamNames.checkEvents(events);
        return tx.inTransaction(c -> appendChecked(c, stream, expected, batch));
    }

    /**
     * Appends in the caller's transaction, which commits or rolls back the events (and whatever the
     * {@link AppendHook} wrote) together with the caller's own changes. The transaction stays usable
     * when this throws a {@link ConcurrencyException} or an {@link IllegalArgumentException}: nothing
     * of the append is left in it.
     *
     * @param tx the caller's connection, auto-commit off
     * @param stream the stream's name; not blank, at most 200 characters
     * @param expected the version the writer expects the stream to be at
     * @param events the events, at least one
     * @return the versions the events took (once committed)
     * @throws ConcurrencyException if the stream is not at the expected version
     * @throws IllegalArgumentException if {@code tx} is in auto-commit mode, the stream name or events are
     *     invalid, or an event id is already stored elsewhere
     * @throws dev.chassis.core.jdbc.DatabaseException if the database failed transiently
     * @throws dev.chassis.core.NonRetryableException if the database failed otherwise
     */
    public AppendResult append(Connection tx, String stream, ExpectedVersion expected, List<NewEvent> events) {
        requireNonNull(tx, "tx");
        StreamNames.check(stream);
        requireNonNull(expected, "expected");
        List<NewEvent> batch = StreamNames.checkEvents(events);
        try {
            if (tx.getAutoCommit()) {
                throw new IllegalArgumentException("tx is in auto-commit mode, so the events would commit apart from"
                        + " the caller's changes; run it in a transaction (e.g. TxRunner.inTransaction)");
            }
        } catch (SQLException e) {
            throw TxRunner.translate("checking the connection failed", e);
        }
        return appendChecked(tx, stream, expected, batch);
    }

    private AppendResult appendChecked(Connection c, String stream, ExpectedVersion expected, List<NewEvent> batch) {
        try {
            return appendIn(c, stream, expected, batch);
        } catch (SQLException e) {
            throw TxRunner.translate("appending to '" + stream + "' in " + schema.qualifiedTable() + " failed", e);
        }
    }

    private AppendResult appendIn(Connection c, String stream, ExpectedVersion expected, List<NewEvent> batch)
            throws SQLException {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS); // what timestamptz keeps
        long base = expected.isAny() ? -1 : expected.version();
        for (int attempt = 1; ; attempt++) {
            List<EventSql.Inserted> rows = sql.insert(c, stream, base, batch, now);
            if (rows.size() == batch.size()) {
                List<RecordedEvent> recorded = new ArrayList<>(rows.size());
                for (int i = 0; i < rows.size(); i++) {
                    EventSql.Inserted row = rows.get(i);
                    NewEvent e = batch.get(i);
                    recorded.add(new RecordedEvent(stream, row.version(), new GlobalPosition(row.transaction(), row.seq()),
                            e.id(), e.type(), e.typeVersion(), e.data(), e.metadata(), now));
                }
                hook.appended(c, recorded);
                return new AppendResult(stream, rows.get(0).version(), rows.get(rows.size() - 1).version());
            }
            if (!rows.isEmpty()) {
                sql.delete(c, rows);
            }
            AppendResult replay = idempotentReplay(c, stream, batch);
            if (replay != null) {
                return replay;
            }
            long actual = sql.version(c, stream);
            // the expectation still holds when the race was with an append that has committed meanwhile
            if (!expected.matches(actual) || attempt >= MAX_ATTEMPTS) {
                throw new ConcurrencyException(stream, expected, actual);
            }
        }
    }

    /** The original result when every id is stored, in order, in this stream; null when none is stored. */
    private @Nullable AppendResult idempotentReplay(Connection c, String stream, List<NewEvent> batch)
            throws SQLException {
        Map<String, Map.Entry<String, Long>> known = sql.knownIds(c, batch);
        if (known.isEmpty()) {
            return null;
        }
        Map.Entry<String, Long> first = known.get(batch.get(0).id());
        if (first != null && first.getKey().equals(stream)) {
            boolean same = true;
            for (int i = 0; i < batch.size() && same; i++) {
                Map.Entry<String, Long> at = known.get(batch.get(i).id());
                same = at != null && at.getKey().equals(stream) && at.getValue() == first.getValue() + i;
            }
            if (same) {
                return new AppendResult(stream, first.getValue(), first.getValue() + batch.size() - 1);
            }
        }
        throw StreamNames.idsElsewhere(stream);
    }

    @Override
    public List<RecordedEvent> read(String stream, long fromVersion) {
        requireNonNull(stream, "stream");
        return query("reading '" + stream + "'", sql.read, ps -> {
            ps.setString(1, stream);
            ps.setLong(2, fromVersion);
        });
    }

    @Override
    public long version(String stream) {
        requireNonNull(stream, "stream");
        try (Connection c = dataSource.getConnection()) {
            return sql.version(c, stream);
        } catch (SQLException e) {
            throw TxRunner.translate("reading the version of '" + stream + "' failed", e);
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>See the class documentation for why this never skips an event, and how a transaction held
     * open delays it.
     */
    @Override
    public List<RecordedEvent> readAll(GlobalPosition after, int limit) {
        requireNonNull(after, "after");
        if (limit <= 0) {
            throw new IllegalArgumentException("limit must be positive, was " + limit);
        }
        return query("reading " + schema.qualifiedTable() + " after " + after, sql.readAll, ps -> {
            ps.setString(1, Long.toString(after.transaction()));
            ps.setLong(2, after.sequence());
            ps.setInt(3, limit);
        });
    }

    private interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    private List<RecordedEvent> query(String doing, String statement, Binder binder) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(statement)) {
            binder.bind(ps);
            try (ResultSet rs = ps.executeQuery()) {
                return List.copyOf(EventSql.events(rs));
            }
        } catch (SQLException e) {
            throw TxRunner.translate(doing + " failed", e);
        }
    }

    @Override
    public String toString() {
        return "JdbcEventStore[" + schema.qualifiedTable() + "]";
    }

    /** Builds a {@link JdbcEventStore}. Not thread-safe; {@link #build()} copies. */
    public static final class Builder {
        private @Nullable DataSource dataSource;
        private EventStoreSchema schema = EventStoreSchema.defaults();
        private Clock clock = Clock.systemUTC();
        private AppendHook appendHook = AppendHook.noop();

        private Builder() {
        }

        /**
         * @param dataSource a pooled data source, e.g. HikariCP; required
         * @return this builder
         */
        public Builder dataSource(DataSource dataSource) {
            this.dataSource = requireNonNull(dataSource, "dataSource");
            return this;
        }

        /**
         * @param schema where the table lives; default {@link EventStoreSchema#defaults()}
         * @return this builder
         */
        public Builder schema(EventStoreSchema schema) {
            this.schema = requireNonNull(schema, "schema");
            return this;
        }

        /**
         * @param clock the clock of {@link RecordedEvent#recordedAt()}; default the UTC system clock
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = requireNonNull(clock, "clock");
            return this;
        }

        /**
         * @param appendHook called with the stored events inside every append's transaction; default
         *     {@link AppendHook#noop()}
         * @return this builder
         */
        public Builder appendHook(AppendHook appendHook) {
            this.appendHook = requireNonNull(appendHook, "appendHook");
            return this;
        }

        /**
         * @return the store
         * @throws NullPointerException if no data source was set
         */
        public JdbcEventStore build() {
            return new JdbcEventStore(this);
        }
    }
}
