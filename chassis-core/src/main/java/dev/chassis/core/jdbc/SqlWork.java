package dev.chassis.core.jdbc;

import java.sql.Connection;

/**
 * Work done inside a transaction on the connection the {@link TxRunner} hands in. The connection is
 * only valid during the call; do not keep it.
 *
 * @param <T> the result type
 */
@FunctionalInterface
public interface SqlWork<T> {
    /**
     * Does the work.
     *
     * @param connection the transaction's connection, auto-commit off
     * @return the result
     * @throws Exception any failure; the transaction is rolled back
     */
    T apply(Connection connection) throws Exception;
}
