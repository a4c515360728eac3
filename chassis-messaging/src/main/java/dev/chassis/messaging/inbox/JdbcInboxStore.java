package dev.chassis.messaging.inbox;

import static java.util.Objects.requireNonNull;

import dev.chassis.core.inbox.InboxStore;
import dev.chassis.core.inbox.InboxTransaction;
import dev.chassis.core.inbox.InboxWork;
import dev.chassis.core.jdbc.TxRunner;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;

/**
 * The inbox records in PostgreSQL, in the {@code chassis_inbox} table created by {@link InboxSchema}.
 * A record is an {@code insert ... on conflict do nothing} on the transaction's connection: the
 * primary key makes a concurrent transaction inserting the same {@code (consumer, message_id)} wait
 * until the first commits (then it inserts nothing) or rolls back (then it inserts). Transactions come
 * from a {@link TxRunner}, so database failures arrive as the chassis's retryable
 * {@code DatabaseException} or a {@code NonRetryableException}.
 *
 * <pre>{@code
 * InboxStore store = JdbcInboxStore.of(TxRunner.of(dataSource), "billing");
 * }</pre>
 *
 * <p>Immutable, thread-safe and intended to be shared.
 */
public final class JdbcInboxStore implements InboxStore {
    private final TxRunner txRunner;
    private final String table;
    private final String insert;
    private final String purge;
    private final String count;

    private JdbcInboxStore(TxRunner txRunner, Optional<String> schema) {
        this.txRunner = txRunner;
        this.table = InboxSchema.qualified(schema);
        this.insert = "insert into " + table + " (consumer, message_id, received_at) values (?, ?, ?) on conflict do nothing";
        this.purge = "delete from " + table + " where (consumer, message_id) in (select consumer, message_id from "
                + table + " where received_at < ? order by received_at limit ?)";
        this.count = "select count(*) from " + table;
    }

    /**
     * A store on {@code chassis_inbox} in the connections' current schema.
     *
     * @param txRunner runs the store's transactions
     * @return the store
     */
    public static JdbcInboxStore of(TxRunner txRunner) {
        return new JdbcInboxStore(requireNonNull(txRunner, "txRunner"), Optional.empty());
    }

    /**
     * A store on {@code <schema>.chassis_inbox}.
     *
     * @param txRunner runs the store's transactions
     * @param schema a lower-case SQL identifier
     * @return the store
     * @throws IllegalArgumentException if {@code schema} is not a plain lower-case identifier
     */
    public static JdbcInboxStore of(TxRunner txRunner, String schema) {
        return new JdbcInboxStore(requireNonNull(txRunner, "txRunner"), Optional.of(InboxSchema.checkSchema(schema)));
    }

    @Override
    public <T, X extends Exception> T inTransaction(InboxWork<T, X> work) throws X {
        requireNonNull(work, "work");
        try {
            return txRunner.inTransaction(connection -> {
                JdbcTransaction tx = new JdbcTransaction(connection);
                try {
                    return work.apply(tx);
                } catch (RuntimeException | Error e) {
                    throw e;
                } catch (Exception e) {
                    // carried through TxRunner (which would wrap it) and rethrown unchanged below
                    throw new Carrier(e);
                } finally {
                    tx.ended = true;
                }
            });
        } catch (Carrier c) {
            @SuppressWarnings("unchecked")
            X original = (X) c.getCause();
            for (Throwable suppressed : c.getSuppressed()) {
                original.addSuppressed(suppressed); // e.g. a failed rollback
            }
            throw original;
        }
    }

    /**
     * Records a message on a connection the caller already holds, joining its transaction: for code
     * that runs its own transactions instead of {@link #inTransaction}.
     *
     * @param connection an open connection with auto-commit off
     * @param consumer the consumer's name; not blank
     * @param messageId the message id; not blank
     * @param receivedAt when it was received
     * @return whether the pair was new
     * @throws dev.chassis.core.jdbc.DatabaseException if the database failed transiently
     */
    public boolean record(Connection connection, String consumer, String messageId, Instant receivedAt) {
        requireNonNull(connection, "connection");
        Checks.notBlank(consumer, "consumer");
        Checks.notBlank(messageId, "messageId");
        requireNonNull(receivedAt, "receivedAt");
        try (PreparedStatement ps = connection.prepareStatement(insert)) {
            ps.setString(1, consumer);
            ps.setString(2, messageId);
            ps.setObject(3, OffsetDateTime.ofInstant(receivedAt, ZoneOffset.UTC));
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            throw TxRunner.translate("recording message " + messageId + " for " + consumer + " in " + table, e);
        }
    }

    @Override
    public int purgeOlderThan(Instant cutoff, int batchSize) {
        requireNonNull(cutoff, "cutoff");
        Checks.batchSize(batchSize);
        return txRunner.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(purge)) {
                ps.setObject(1, OffsetDateTime.ofInstant(cutoff, ZoneOffset.UTC));
                ps.setInt(2, batchSize);
                return ps.executeUpdate();
            }
        });
    }

    @Override
    public long count() {
        return txRunner.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(count); ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    @Override
    public String toString() {
        return "JdbcInboxStore{table=" + table + "}";
    }

    private final class JdbcTransaction implements InboxTransaction {
        private final Connection connection;
        private volatile boolean ended;

        JdbcTransaction(Connection connection) {
            this.connection = connection;
        }

        @Override
        public boolean record(String consumer, String messageId, Instant receivedAt) {
            if (ended) {
                throw new IllegalStateException("the inbox transaction has ended; record inside the work");
            }
            return JdbcInboxStore.this.record(connection, consumer, messageId, receivedAt);
        }

        @Override
        public Connection connection() {
            if (ended) {
                throw new IllegalStateException("the inbox transaction has ended; use the connection inside the work");
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
