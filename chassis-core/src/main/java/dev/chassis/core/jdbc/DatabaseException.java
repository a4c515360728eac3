package dev.chassis.core.jdbc;

import dev.chassis.core.RetryableException;
import java.sql.SQLException;

/**
 * A database failure that may pass: a lost connection, a serialization failure, a deadlock, a lock
 * or statement timeout, a server shutting down. Carries the SQLSTATE. Instances are immutable once
 * thrown.
 */
public final class DatabaseException extends RetryableException {
    private static final long serialVersionUID = 1L;

    private final String sqlState;

    /**
     * @param message what was being done
     * @param cause the driver's exception
     */
    public DatabaseException(String message, SQLException cause) {
        super(message + ": " + cause.getMessage() + " (SQLSTATE " + cause.getSQLState() + ")", cause);
        this.sqlState = cause.getSQLState() == null ? "" : cause.getSQLState();
    }

    /** @return the SQLSTATE reported by the driver, empty if none */
    public String sqlState() {
        return sqlState;
    }
}
