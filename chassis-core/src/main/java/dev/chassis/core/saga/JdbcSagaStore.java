package dev.chassis.core.saga;

import static java.util.Objects.requireNonNull;

import dev.chassis.core.jdbc.TxRunner;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * A {@link SagaStore} in one PostgreSQL table ({@link SagaSchema}). Instances are thread-safe and
 * intended to be shared.
 *
 * <pre>{@code
 * SagaSchema schema = SagaSchema.of("orders");
 * schema.create(dataSource);
 * JdbcSagaStore store = JdbcSagaStore.create(dataSource, b -> b
 *         .schema(schema)
 *         .messageHook(commands));
 * }</pre>
 *
 * <h2>Saving</h2>
 * An insert is one {@code INSERT ... ON CONFLICT DO NOTHING}; an update one
 * {@code UPDATE ... WHERE id = ? AND revision = ?} with the revision the new state was made from.
 * Of concurrent updaters of one revision, the first to write the row wins; the others wait for its
 * row lock, find the revision changed and update nothing. After the row, the {@link SagaMessageHook}
 * writes the transition's messages on the same connection (the transactional outbox, with
 * {@code SagaOutbox} of chassis-messaging), so state and commands commit together. A transition with
 * messages needs a hook: without one the store refuses to save it rather than drop the messages.
 * {@link #insert(Connection, SagaInstance, List)} and {@link #update(Connection, SagaInstance, List)}
 * do the same in the caller's transaction, which stays usable after a duplicate id or a lost update
 * since no statement fails. Run them at READ COMMITTED, PostgreSQL's default: under REPEATABLE READ
 * or SERIALIZABLE a lost race surfaces as a retryable serialization failure instead.
 *
 * <h2>Leases and time</h2>
 * A lease is two columns of the saga's row, claimed by one conditional {@code UPDATE}; it has
 * expired once the store's clock reaches its end, so orchestrator instances need clocks that roughly
 * agree. An orchestrator claims a saga before it inserts it: a lease on an id not stored yet is kept
 * by this store instance (nobody else can hold a row that does not exist) and written with the
 * insert. Between processes the insert decides, since only one insert of an id succeeds.
 * The time columns are {@code timestamptz}, which keeps microseconds: finer instants are truncated
 * (a deadline never moves later), while the history, stored as JSON, keeps them whole. {@code data}
 * is {@code jsonb}, which normalizes the JSON text (whitespace, key order, duplicate keys).
 */
public final class JdbcSagaStore implements SagaStore {
    private final DataSource dataSource;
    private final TxRunner tx;
    private final SagaSchema schema;
    private final Clock clock;
    private final @Nullable SagaMessageHook hook;
    private final SagaSql sql;
    /** Leases granted on ids without a row, written with the insert; only sagas being started are here. */
    private final ConcurrentHashMap<String, SagaSql.Lease> unstoredLeases = new ConcurrentHashMap<>();

    private JdbcSagaStore(Builder b) {
        this.dataSource = requireNonNull(b.dataSource, "dataSource must be set: builder().dataSource(pool)");
        this.tx = TxRunner.of(dataSource);
        this.schema = b.schema;
        this.clock = b.clock;
        this.hook = b.messageHook;
        this.sql = new SagaSql(schema.qualifiedTable());
    }

    /**
     * A store on the table in the {@code public} schema, using the UTC system clock and no message
     * hook (so it saves only transitions without messages).
     *
     * @param dataSource a pooled data source, e.g. HikariCP
     * @return the store
     */
    public static JdbcSagaStore create(DataSource dataSource) {
        return builder().dataSource(dataSource).build();
    }

    /**
     * A store configured by the given function.
     *
     * @param dataSource a pooled data source, e.g. HikariCP
     * @param configure sets further builder values
     * @return the store
     */
    public static JdbcSagaStore create(DataSource dataSource, Consumer<Builder> configure) {
        Builder b = builder().dataSource(dataSource);
        requireNonNull(configure, "configure").accept(b);
        return b.build();
    }

    /** @return a builder with the defaults: {@link SagaSchema#defaults()}, the UTC system clock, no message hook */
    public static Builder builder() {
        return new Builder();
    }

    /** @return where the table lives */
    public SagaSchema schema() {
        return schema;
    }

    /**
     * {@inheritDoc}
     *
     * <p>Runs in a transaction of its own.
     *
     * @throws IllegalStateException also if there are messages but no {@link SagaMessageHook} is configured
     */
    @Override
    public void insert(SagaInstance instance, List<SagaMessage> outgoing) {
        List<SagaMessage> messages = checkSave(instance, outgoing);
        tx.inTransaction(c -> {
            insertChecked(c, instance, messages);
            return null;
        });
    }

    /**
     * Inserts in the caller's transaction, which commits or rolls back the saga and its messages
     * together with the caller's own changes (e.g. the business row that starts the saga). The
     * transaction stays usable when this throws an {@link IllegalStateException} for a taken id.
     *
     * @param tx the caller's connection, auto-commit off
     * @param instance the new instance
     * @param outgoing messages to send, possibly empty
     * @throws IllegalStateException if a saga with that id exists, or there are messages but no hook
     * @throws IllegalArgumentException if {@code tx} is in auto-commit mode
     * @throws dev.chassis.core.jdbc.DatabaseException if the database failed transiently
     * @throws dev.chassis.core.NonRetryableException if the database failed otherwise
     */
    public void insert(Connection tx, SagaInstance instance, List<SagaMessage> outgoing) {
        List<SagaMessage> messages = checkSave(instance, outgoing);
        checkTransaction(tx);
        insertChecked(tx, instance, messages);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Runs in a transaction of its own.
     *
     * @throws IllegalStateException if there are messages but no {@link SagaMessageHook} is configured
     */
    @Override
    public boolean update(SagaInstance instance, List<SagaMessage> outgoing) {
        List<SagaMessage> messages = checkSave(instance, outgoing);
        return tx.inTransaction(c -> updateChecked(c, instance, messages));
    }

    /**
     * Updates in the caller's transaction, which commits or rolls back the new state and its
     * messages together with the caller's own changes. When this returns false nothing was written
     * and the transaction stays usable.
     *
     * @param tx the caller's connection, auto-commit off
     * @param instance the new state, its revision one higher than the one it was made from
     * @param outgoing messages to send, possibly empty
     * @return true if stored (with the messages), false if the stored revision differs (nothing stored)
     * @throws IllegalStateException if there are messages but no hook
     * @throws IllegalArgumentException if {@code tx} is in auto-commit mode
     * @throws dev.chassis.core.jdbc.DatabaseException if the database failed transiently
     * @throws dev.chassis.core.NonRetryableException if the database failed otherwise
     */
    public boolean update(Connection tx, SagaInstance instance, List<SagaMessage> outgoing) {
        List<SagaMessage> messages = checkSave(instance, outgoing);
        checkTransaction(tx);
        return updateChecked(tx, instance, messages);
    }

    private List<SagaMessage> checkSave(SagaInstance instance, List<SagaMessage> outgoing) {
        requireNonNull(instance, "instance");
        List<SagaMessage> messages = List.copyOf(requireNonNull(outgoing, "outgoing"));
        if (!messages.isEmpty() && hook == null) {
            throw new IllegalStateException("saga '" + instance.id() + "' sends " + messages.size() + " message(s) but "
                    + this + " has no hook to write them: configure a message hook, e.g."
                    + " builder().messageHook(SagaOutbox.create(outbox)) from chassis-messaging");
        }
        return messages;
    }

    private static void checkTransaction(Connection tx) {
        requireNonNull(tx, "tx");
        try {
            if (tx.getAutoCommit()) {
                throw new IllegalArgumentException("tx is in auto-commit mode, so the saga would commit apart from its"
                        + " messages; run it in a transaction (e.g. TxRunner.inTransaction)");
            }
        } catch (SQLException e) {
            throw TxRunner.translate("checking the connection failed", e);
        }
    }

    private void insertChecked(Connection c, SagaInstance instance, List<SagaMessage> messages) {
        SagaSql.Lease lease = unstoredLeases.get(instance.id());
        if (lease != null && !lease.until().isAfter(clock.instant())) {
            lease = null;
        }
        boolean inserted;
        try {
            inserted = sql.insert(c, instance, lease);
            if (inserted) {
                send(c, messages);
            }
        } catch (SQLException e) {
            throw TxRunner.translate("inserting saga '" + instance.id() + "' into " + sql.table + " failed", e);
        }
        if (!inserted) {
            throw new IllegalStateException("saga '" + instance.id() + "' exists already in " + sql.table
                    + "; a new saga needs a new id (update() saves transitions of an existing one)");
        }
    }

    private boolean updateChecked(Connection c, SagaInstance instance, List<SagaMessage> messages) {
        try {
            if (!sql.update(c, instance)) {
                return false;
            }
            send(c, messages);
            return true;
        } catch (SQLException e) {
            throw TxRunner.translate("updating saga '" + instance.id() + "' in " + sql.table + " failed", e);
        }
    }

    private void send(Connection c, List<SagaMessage> messages) throws SQLException {
        if (!messages.isEmpty()) {
            requireNonNull(hook).write(c, messages);
        }
    }

    @Override
    public Optional<SagaInstance> find(String id) {
        requireNonNull(id, "id");
        return query("finding saga '" + id + "'", sql.find, ps -> ps.setString(1, id)).stream().findFirst();
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException if {@code limit} is not positive
     */
    @Override
    public List<SagaInstance> due(Instant now, int limit) {
        requireNonNull(now, "now");
        checkLimit(limit);
        return query("reading due sagas of " + sql.table, sql.due, ps -> {
            ps.setObject(1, SagaSql.timestamp(now));
            ps.setInt(2, limit);
        });
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException if {@code limit} is not positive
     */
    @Override
    public List<SagaInstance> inState(SagaState state, String afterId, int limit) {
        requireNonNull(state, "state");
        requireNonNull(afterId, "afterId");
        checkLimit(limit);
        return query("reading " + state + " sagas of " + sql.table, sql.inState, ps -> {
            ps.setString(1, state.name());
            ps.setString(2, afterId);
            ps.setInt(3, limit);
        });
    }

    /**
     * {@inheritDoc}
     *
     * <p>A lease has expired once the store's clock reaches its end. A lease on an id not stored yet
     * is kept by this instance and written by the {@code insert} of that id.
     */
    @Override
    public boolean lease(String id, String owner, Instant until) {
        requireNonNull(id, "id");
        requireNonNull(owner, "owner");
        requireNonNull(until, "until");
        Instant now = clock.instant();
        SagaSql.Claim claim;
        try (Connection c = dataSource.getConnection()) {
            claim = sql.lease(c, id, owner, until, now);
        } catch (SQLException e) {
            throw TxRunner.translate("leasing saga '" + id + "' to '" + owner + "' failed", e);
        }
        if (claim != SagaSql.Claim.NOT_STORED) {
            return claim == SagaSql.Claim.GRANTED;
        }
        unstoredLeases.values().removeIf(l -> !l.until().isAfter(now));
        SagaSql.Lease mine = new SagaSql.Lease(owner, until);
        SagaSql.Lease result = unstoredLeases.compute(id, (key, held) ->
                held == null || held.owner().equals(owner) || !held.until().isAfter(now) ? mine : held);
        return result == mine;
    }

    @Override
    public void release(String id, String owner) {
        requireNonNull(id, "id");
        requireNonNull(owner, "owner");
        unstoredLeases.computeIfPresent(id, (key, held) -> held.owner().equals(owner) ? null : held);
        try (Connection c = dataSource.getConnection()) {
            sql.release(c, id, owner);
        } catch (SQLException e) {
            throw TxRunner.translate("releasing the lease of '" + owner + "' on saga '" + id + "' failed", e);
        }
    }

    private static void checkLimit(int limit) {
        if (limit <= 0) {
            throw new IllegalArgumentException("limit must be positive, was " + limit);
        }
    }

    private interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    private List<SagaInstance> query(String doing, String statement, Binder binder) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(statement)) {
            binder.bind(ps);
            try (ResultSet rs = ps.executeQuery()) {
                return List.copyOf(SagaSql.instances(rs));
            }
        } catch (SQLException e) {
            throw TxRunner.translate(doing + " failed", e);
        }
    }

    @Override
    public String toString() {
        return "JdbcSagaStore[" + schema.qualifiedTable() + "]";
    }

    /** Builds a {@link JdbcSagaStore}. Not thread-safe; {@link #build()} copies. */
    public static final class Builder {
        private @Nullable DataSource dataSource;
        private SagaSchema schema = SagaSchema.defaults();
        private Clock clock = Clock.systemUTC();
        private @Nullable SagaMessageHook messageHook;

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
         * @param schema where the table lives; default {@link SagaSchema#defaults()}
         * @return this builder
         */
        public Builder schema(SagaSchema schema) {
            this.schema = requireNonNull(schema, "schema");
            return this;
        }

        /**
         * @param clock the clock leases expire by; default the UTC system clock
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = requireNonNull(clock, "clock");
            return this;
        }

        /**
         * @param messageHook writes each transition's messages in its transaction; default none, and
         *     then saving a transition with messages throws {@link IllegalStateException}
         * @return this builder
         */
        public Builder messageHook(SagaMessageHook messageHook) {
            this.messageHook = requireNonNull(messageHook, "messageHook");
            return this;
        }

        /**
         * @return the store
         * @throws NullPointerException if no data source was set
         */
        public JdbcSagaStore build() {
            return new JdbcSagaStore(this);
        }
    }
}
