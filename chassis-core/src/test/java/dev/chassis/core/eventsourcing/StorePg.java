package dev.chassis.core.eventsourcing;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.UUID;

/** The local PostgreSQL for one store test: a schema of its own with the events table, dropped on close. */
final class StorePg implements AutoCloseable {
    static final String URL = System.getProperty("chassis.pg.url", "jdbc:postgresql://127.0.0.1:5432/test");

    final EventStoreSchema schema = EventStoreSchema.of("es_it_" + UUID.randomUUID().toString().replace("-", "")
            .substring(0, 12));
    final HikariDataSource dataSource;

    StorePg() {
        this(12);
    }

    StorePg(int poolSize) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(URL);
        config.setUsername(System.getProperty("chassis.pg.user", "postgres"));
        config.setMaximumPoolSize(poolSize);
        config.setConnectionTimeout(10_000);
        dataSource = new HikariDataSource(config);
        schema.create(dataSource);
    }

    JdbcEventStore store() {
        return JdbcEventStore.create(dataSource, b -> b.schema(schema));
    }

    long count(String from) throws Exception {
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*) FROM " + schema.schema() + "." + from)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    void execute(String sql) throws Exception {
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    @Override
    public void close() throws Exception {
        try {
            execute("DROP SCHEMA IF EXISTS " + schema.schema() + " CASCADE");
        } finally {
            dataSource.close();
        }
    }
}
