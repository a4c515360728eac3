package dev.chassis.core.eventsourcing.projection;

import static java.util.Objects.requireNonNull;

import dev.chassis.core.eventsourcing.GlobalPosition;
import dev.chassis.core.jdbc.TxRunner;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Checkpoints in PostgreSQL, in the {@code projection_checkpoints} table that {@link CheckpointSchema}
 * creates. An update locks the projection's row ({@code SELECT ... FOR UPDATE}, inserting it first
 * if it is missing), runs the work on the same connection and writes the new position before the
 * commit: a read model written through {@link ProjectionTransaction#connection()} commits or rolls
 * back with it, and a second instance updating the same projection waits for the lock and then sees
 * the new checkpoint. Transactions come from a {@link TxRunner}, so database failures arrive as the
 * chassis's retryable {@code DatabaseException} or a {@code NonRetryableException}.
 *
 * <pre>{@code
 * CheckpointStore checkpoints = JdbcCheckpointStore.of(TxRunner.of(dataSource), CheckpointSchema.of("orders"));
 * }</pre>
 *
 * <p>Immutable, thread-safe and intended to be shared.
 */
public final class JdbcCheckpointStore implements CheckpointStore {
    private final TxRunner txRunner;
    private final Clock clock;
    private final String table;
    private final String select;
    private final String lock;
    private final String insert;
    private final String write;

    private JdbcCheckpointStore(TxRunner txRunner, CheckpointSchema schema, Clock clock) {
        this.txRunner = txRunner;
        this.clock = clock;
        this.table = schema.qualifiedTable();
        this.select = "SELECT transaction_id, seq FROM " + table + " WHERE name = ?";
        this.lock = select + " FOR UPDATE";
        this.insert = "INSERT INTO " + table + " (name, transaction_id, seq, updated_at) VALUES (?, 0, 0, ?)"
                + " ON CONFLICT (name) DO NOTHING";
        this.write = "UPDATE " + table + " SET transaction_id = ?, seq = ?, updated_at = ? WHERE name = ?";
    }

    /**
     * A store on {@code public.projection_checkpoints}.
     *
     * @param txRunner runs the store's transactions
     * @return the store
     */
    public static JdbcCheckpointStore of(TxRunner txRunner) {
        return of(txRunner, CheckpointSchema.defaults());
    }

    /**
     * A store on the table of the given schema.
     *
     * @param txRunner runs the store's transactions
     * @param schema where the table lives
     * @return the store
     */
    public static JdbcCheckpointStore of(TxRunner txRunner, CheckpointSchema schema) {
        return of(txRunner, schema, Clock.systemUTC());
    }

    /**
     * A store on the table of the given schema, dating updates with the given clock.
     *
     * @param txRunner runs the store's transactions
     * @param schema where the table lives
     * @param clock dates the {@code updated_at} column
     * @return the store
     */
    public static JdbcCheckpointStore of(TxRunner txRunner, CheckpointSchema schema, Clock clock) {
        return new JdbcCheckpointStore(requireNonNull(txRunner, "txRunner"), requireNonNull(schema, "schema"),
                requireNonNull(clock, "clock"));
    }

    @Override
    public Optional<GlobalPosition> load(String projection) {
        Names.check(projection);
        return Optional.ofNullable(txRunner.inTransaction(c -> read(c, select, projection)));
    }

    @Override
    public <X extends Exception> GlobalPosition update(String projection, CheckpointWork<X> work) throws X {
        Names.check(projection);
        requireNonNull(work, "work");
        return JdbcCheckpointStore.<GlobalPosition, X>carried(() -> txRunner.inTransaction(c -> {
            GlobalPosition stored = lockRow(c, projection);
            JdbcTransaction tx = new JdbcTransaction(c);
            GlobalPosition next;
            try {
                next = work.apply(tx, stored);
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Exception e) {
                throw new Carrier(e);
            } finally {
                tx.ended = true;
            }
            Names.checkForward(projection, stored, next);
            if (!next.equals(stored)) {
                write(c, projection, next);
            }
            return next;
        }));
    }

    @Override
    public <X extends Exception> void reset(String projection, ResetWork<X> work) throws X {
        Names.check(projection);
        requireNonNull(work, "work");
        JdbcCheckpointStore.<Void, X>carried(() -> txRunner.inTransaction(c -> {
            lockRow(c, projection);
            JdbcTransaction tx = new JdbcTransaction(c);
            try {
                work.apply(tx);
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Exception e) {
                throw new Carrier(e);
            } finally {
                tx.ended = true;
            }
            write(c, projection, GlobalPosition.START);
            return null;
        }));
    }

    /** Locks the projection's row, creating it at START if missing, and returns its position. */
    private GlobalPosition lockRow(Connection c, String projection) throws SQLException {
        GlobalPosition stored = read(c, lock, projection);
        if (stored != null) {
            return stored;
        }
        // a concurrent first insert makes this one wait for its commit, then do nothing
        try (PreparedStatement ps = c.prepareStatement(insert)) {
            ps.setString(1, projection);
            ps.setObject(2, OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC));
            ps.executeUpdate();
        }
        stored = read(c, lock, projection);
        if (stored == null) {
            throw new IllegalStateException("checkpoint row of '" + projection + "' in " + table
                    + " vanished while being locked: was it deleted by hand?");
        }
        return stored;
    }

    private static @Nullable GlobalPosition read(Connection c, String sql, String projection) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, projection);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new GlobalPosition(rs.getLong(1), rs.getLong(2)) : null;
            }
        }
    }

    private void write(Connection c, String projection, GlobalPosition position) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(write)) {
            ps.setLong(1, position.transaction());
            ps.setLong(2, position.sequence());
            ps.setObject(3, OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC));
            ps.setString(4, projection);
            ps.executeUpdate();
        }
    }

    /** Runs a transaction and rethrows a checked exception of the work, carried through TxRunner, unchanged. */
    private static <T, X extends Exception> T carried(Supplier<T> transaction) throws X {
        try {
            return transaction.get();
        } catch (Carrier c) {
            @SuppressWarnings("unchecked")
            X original = (X) c.getCause();
            for (Throwable suppressed : c.getSuppressed()) {
                original.addSuppressed(suppressed); // e.g. a failed rollback
            }
            throw original;
        }
    }

    @Override
    public String toString() {
        return "JdbcCheckpointStore{table=" + table + "}";
    }

    private static final class JdbcTransaction implements ProjectionTransaction {
        private final Connection connection;
        private volatile boolean ended;

        JdbcTransaction(Connection connection) {
            this.connection = connection;
        }

        @Override
        public Connection connection() {
            if (ended) {
                throw new IllegalStateException("the projection transaction has ended; use the connection inside the work");
            }
            return connection;
        }
    }

    /** Carries a checked exception of the work through {@link TxRunner} unchanged. */
    private static final class Carrier extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Carrier(Exception cause) {
            super(cause);
        }
    }
}
