package dev.chassis.core.jdbc;

import static java.util.Objects.requireNonNull;

import dev.chassis.core.NonRetryableException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Set;
import javax.sql.DataSource;

/**
 * Runs work in one database transaction: takes a connection from the {@link DataSource}, turns
 * auto-commit off, commits when the work returns and rolls back when it throws. The connection is
 * handed to the work explicitly (no thread-local binding), so the outbox, the inbox and the event
 * store can join the caller's transaction by taking the same connection.
 *
 * <p>Failures of the database itself are translated: transient ones (connection lost, serialization
 * failure, deadlock, lock or statement timeout, server shutdown) become a retryable
 * {@link DatabaseException}; others are rethrown as a {@link NonRetryableException} with the
 * SQLSTATE. Exceptions thrown by the work are rethrown unchanged (checked ones wrapped). Instances
 * are immutable and thread-safe.
 *
 * <p>A {@link DatabaseException} raised while committing leaves the outcome unknown: the connection
 * may have broken after the server committed but before it answered. Treat it as "in doubt", not as
 * "rolled back" — retry only work that is idempotent (with the outbox and the inbox, a retried
 * transaction at worst publishes a duplicate, which consumers drop).
 *
 * <pre>{@code
 * TxRunner tx = TxRunner.of(dataSource);
 * long id = tx.inTransaction(connection -> {
 *     try (var insert = connection.prepareStatement("insert into orders(total) values (?) returning id")) {
 *         insert.setLong(1, 1250);
 *         try (var rs = insert.executeQuery()) {
 *             rs.next();
 *             return rs.getLong(1);
 *         }
 *     }
 * });
 * }</pre>
 */
public final class TxRunner {
    /** SQLSTATE classes and codes after which the same transaction may succeed when tried again. */
    private static final Set<String> TRANSIENT_CLASSES = Set.of("08", "40", "53", "57");
    private static final Set<String> TRANSIENT_CODES = Set.of("55P03", "57014");

    private final DataSource dataSource;
    private final int isolation;

    private TxRunner(DataSource dataSource, int isolation) {
        this.dataSource = dataSource;
        this.isolation = isolation;
    }

    /**
     * A runner using the data source's default isolation level (READ COMMITTED on PostgreSQL).
     *
     * @param dataSource a pooled data source, e.g. HikariCP
     * @return the runner
     */
    public static TxRunner of(DataSource dataSource) {
        return new TxRunner(requireNonNull(dataSource, "dataSource"), -1);
    }

    /**
     * A runner whose transactions use the given isolation level.
     *
     * @param level one of the {@code Connection.TRANSACTION_*} constants
     * @return a new runner
     */
    public TxRunner withIsolation(int level) {
        if (level != Connection.TRANSACTION_READ_COMMITTED && level != Connection.TRANSACTION_REPEATABLE_READ
                && level != Connection.TRANSACTION_SERIALIZABLE && level != Connection.TRANSACTION_READ_UNCOMMITTED) {
            throw new IllegalArgumentException("level must be a Connection.TRANSACTION_* constant, was " + level);
        }
        return new TxRunner(dataSource, level);
    }

    /** @return the data source transactions are taken from */
    public DataSource dataSource() {
        return dataSource;
    }

    /**
     * Runs work in a new transaction.
     *
     * @param work the work; its connection is valid only during the call
     * @param <T> the result type
     * @return what the work returned, after the commit succeeded
     * @throws DatabaseException if the database failed transiently (retry the whole transaction)
     * @throws NonRetryableException if the database failed otherwise, or the work threw a checked exception
     * @throws RuntimeException what the work threw, after the rollback
     */
    public <T> T inTransaction(SqlWork<T> work) {
        requireNonNull(work, "work");
        try (Connection connection = dataSource.getConnection()) {
            boolean autoCommit = connection.getAutoCommit();
            // asking costs a round trip on PostgreSQL; only needed when the level is changed and restored
            int previousIsolation = isolation >= 0 ? connection.getTransactionIsolation() : isolation;
            try {
                connection.setAutoCommit(false);
                if (isolation >= 0) {
                    connection.setTransactionIsolation(isolation);
                }
                T result = runAndCommit(connection, work);
                return result;
            } finally {
                restore(connection, autoCommit, previousIsolation);
            }
        } catch (SQLException e) {
            throw translate("transaction failed", e);
        }
    }

    private static <T> T runAndCommit(Connection connection, SqlWork<T> work) throws SQLException {
        T result;
        try {
            result = work.apply(connection);
        } catch (Throwable t) {
            rollbackQuietly(connection, t);
            if (t instanceof SQLException) {
                throw (SQLException) t;
            }
            if (t instanceof RuntimeException) {
                throw (RuntimeException) t;
            }
            if (t instanceof Error) {
                throw (Error) t;
            }
            throw new NonRetryableException("transaction work failed: " + t, t);
        }
        connection.commit();
        return result;
    }

    private static void rollbackQuietly(Connection connection, Throwable cause) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }

    private void restore(Connection connection, boolean autoCommit, int previousIsolation) {
        try {
            if (isolation >= 0 && previousIsolation != isolation) {
                connection.setTransactionIsolation(previousIsolation);
            }
            connection.setAutoCommit(autoCommit);
        } catch (SQLException ignored) {
            // the pool validates and discards a broken connection
        }
    }

    /**
     * Translates a driver exception into the chassis hierarchy.
     *
     * @param doing what was being done, for the message
     * @param e the driver's exception
     * @return a retryable {@link DatabaseException} for transient failures, a {@link NonRetryableException} otherwise
     */
    public static RuntimeException translate(String doing, SQLException e) {
        requireNonNull(doing, "doing");
        requireNonNull(e, "e");
        if (isTransient(e)) {
            return new DatabaseException(doing, e);
        }
        return new NonRetryableException(doing + ": " + e.getMessage() + " (SQLSTATE " + e.getSQLState() + ")", e);
    }

    static boolean isTransient(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException) {
                String state = ((SQLException) t).getSQLState();
                if (state != null && state.length() == 5
                        && (TRANSIENT_CLASSES.contains(state.substring(0, 2)) || TRANSIENT_CODES.contains(state))) {
                    return true;
                }
                if (t instanceof java.sql.SQLTransientException || t instanceof java.sql.SQLRecoverableException) {
                    return true;
                }
            }
        }
        return false;
    }
}
