package dev.chassis.core.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chassis.core.NonRetryableException;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/** Against the local PostgreSQL; each test gets its own schema, dropped afterwards. */
class TxRunnerIT {
    private final String schema = "txrunner_" + UUID.randomUUID().toString().replace("-", "");
    private PGSimpleDataSource dataSource;
    private TxRunner tx;

    @BeforeEach
    void createSchema() throws SQLException {
        dataSource = new PGSimpleDataSource();
        dataSource.setURL(System.getProperty("chassis.test.jdbc-url", "jdbc:postgresql://127.0.0.1:5432/test"));
        dataSource.setUser("postgres");
        dataSource.setCurrentSchema(schema);
        exec("create schema " + schema);
        exec("create table " + schema + ".items(id int primary key, name text not null)");
        tx = TxRunner.of(dataSource);
    }

    @AfterEach
    void dropSchema() throws SQLException {
        exec("drop schema if exists " + schema + " cascade");
    }

    @Test
    void commitsWhenTheWorkReturns() throws SQLException {
        int inserted = tx.inTransaction(c -> insert(c, 1, "one"));

        assertThat(inserted).isEqualTo(1);
        assertThat(count()).isEqualTo(1);
    }

    @Test
    void rollsBackAndRethrowsWhenTheWorkThrows() throws SQLException {
        var failure = new IllegalStateException("business rule broken");

        assertThatThrownBy(() -> tx.inTransaction(c -> {
            insert(c, 1, "one");
            throw failure;
        })).isSameAs(failure);
        assertThat(count()).isZero();
    }

    @Test
    void checkedExceptionsAreWrappedAsNonRetryable() throws SQLException {
        assertThatThrownBy(() -> tx.inTransaction(c -> {
            insert(c, 1, "one");
            throw new IOException("disk full");
        })).isInstanceOf(NonRetryableException.class).hasMessageContaining("disk full").hasCauseInstanceOf(IOException.class);
        assertThat(count()).isZero();
    }

    @Test
    void constraintViolationIsNonRetryableWithItsSqlState() throws SQLException {
        tx.inTransaction(c -> insert(c, 1, "one"));

        assertThatThrownBy(() -> tx.inTransaction(c -> insert(c, 1, "again")))
                .isInstanceOf(NonRetryableException.class)
                .hasMessageContaining("SQLSTATE 23505");
        assertThat(count()).isEqualTo(1);
    }

    @Test
    void terminatedBackendIsARetryableDatabaseException() {
        assertThatThrownBy(() -> tx.inTransaction(c -> {
            insert(c, 1, "one");
            try (Statement s = c.createStatement()) {
                s.execute("select pg_terminate_backend(pg_backend_pid())");
            }
            return null;
        })).isInstanceOf(DatabaseException.class)
                .satisfies(e -> assertThat(((DatabaseException) e).sqlState()).startsWith("57"));
    }

    @Test
    void serializationFailureIsRetryable() throws Exception {
        // given two serializable transactions that read and write the same rows
        TxRunner serializable = tx.withIsolation(Connection.TRANSACTION_SERIALIZABLE);
        tx.inTransaction(c -> insert(c, 1, "a"));
        try (Connection other = dataSource.getConnection()) {
            other.setAutoCommit(false);
            other.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE);
            try (Statement s = other.createStatement()) {
                s.execute("select count(*) from items");
                s.execute("insert into items values (2, 'b')");
            }

            // when the second transaction commits after the first wrote
            assertThatThrownBy(() -> serializable.inTransaction(c -> {
                try (Statement s = c.createStatement()) {
                    s.execute("select count(*) from items");
                    s.execute("insert into items values (3, 'c')");
                }
                other.commit();
                return null;
            }))
                    // then
                    .isInstanceOf(DatabaseException.class)
                    .satisfies(e -> assertThat(((DatabaseException) e).sqlState()).isEqualTo("40001"));
        }
    }

    private static int insert(Connection c, int id, String name) throws SQLException {
        try (var ps = c.prepareStatement("insert into items(id, name) values (?, ?)")) {
            ps.setInt(1, id);
            ps.setString(2, name);
            return ps.executeUpdate();
        }
    }

    private int count() throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             var rs = s.executeQuery("select count(*) from " + schema + ".items")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private void exec(String sql) throws SQLException {
        var admin = new PGSimpleDataSource();
        admin.setURL(dataSource.getURL());
        admin.setUser("postgres");
        try (Connection c = admin.getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
