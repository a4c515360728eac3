package dev.chassis.messaging.outbox;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.chassis.core.envelope.Envelope;
import dev.chassis.core.jdbc.TxRunner;
import dev.chassis.testkit.fault.DatabaseFaults;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The local PostgreSQL for one test: a schema of its own with the outbox table, a pool whose
 * sessions carry a name of their own (so a test can terminate them), and clean-up of both.
 */
final class PgFixture implements AutoCloseable {
    static final String URL = System.getProperty("chassis.pg.url", "jdbc:postgresql://127.0.0.1:5432/test");
    static final String USER = System.getProperty("chassis.pg.user", "postgres");

    final String id = UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    final OutboxSchema schema = OutboxSchema.of("outbox_it_" + id);
    private final List<HikariDataSource> pools = new ArrayList<>();
    private final List<AutoCloseable> closeables = new ArrayList<>();
    final HikariDataSource dataSource;
    private final DatabaseFaults faults;

    PgFixture() {
        dataSource = pool("app");
        // a session per call, as a DBA's would be; a pooled one would terminate faster than the tests were tuned for
        PGSimpleDataSource admin = new PGSimpleDataSource();
        admin.setURL(URL);
        admin.setUser(USER);
        admin.setApplicationName(applicationName("faults"));
        faults = DatabaseFaults.using(admin);
        schema.create(dataSource);
    }

    /** A pool whose sessions are named {@code it-<id>-<role>}. */
    HikariDataSource pool(String role) {
        return pool(role, 12);
    }

    /** A pool of at most {@code size} sessions named {@code it-<id>-<role>}. */
    HikariDataSource pool(String role, int size) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(URL);
        config.setUsername(USER);
        config.setMaximumPoolSize(size);
        config.setConnectionTimeout(5_000);
        config.addDataSourceProperty("ApplicationName", applicationName(role));
        HikariDataSource ds = new HikariDataSource(config);
        pools.add(ds);
        return ds;
    }

    String applicationName(String role) {
        return "it-" + id + "-" + role;
    }

    <T extends AutoCloseable> T closeLater(T closeable) {
        closeables.add(closeable);
        return closeable;
    }

    Outbox outbox() {
        return Outbox.create(b -> b.schema(schema));
    }

    /** Writes one message in its own committed transaction. */
    void commit(String topic, String key, Envelope envelope) {
        TxRunner.of(dataSource).inTransaction(tx -> outbox().add(tx, topic, key, envelope));
    }

    /** Terminates every session of the given role; returns how many. */
    int terminate(String role) {
        return faults.terminateApplication(applicationName(role));
    }

    long count(String where) throws Exception {
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*) FROM " + schema.qualifiedTable() + " WHERE " + where)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static Envelope envelope(String text) {
        return Envelope.builder().type("it.happened").source("/outbox-it")
                .data("text/plain", text.getBytes(StandardCharsets.UTF_8)).build();
    }

    @Override
    public void close() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
        try (Connection c = DriverManager.getConnection(URL, USER, ""); Statement st = c.createStatement()) {
            st.execute("DROP SCHEMA IF EXISTS " + schema.schema() + " CASCADE");
        }
        pools.forEach(HikariDataSource::close);
    }
}
