package dev.chassis.testkit.eventsourcing;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.chassis.core.eventsourcing.EventStore;
import dev.chassis.core.eventsourcing.EventStoreSchema;
import dev.chassis.core.eventsourcing.JdbcEventStore;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;

/** The kit against the PostgreSQL store on the local database, in a schema of its own per test. */
class JdbcEventStoreCompatibilityIT extends EventStoreCompatibilityKit {
    private static final String URL = System.getProperty("chassis.pg.url", "jdbc:postgresql://127.0.0.1:5432/test");

    private HikariDataSource dataSource;
    private EventStoreSchema schema;

    @Override
    protected EventStore createStore(Clock clock) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(URL);
        config.setUsername(System.getProperty("chassis.pg.user", "postgres"));
        config.setMaximumPoolSize(10);
        dataSource = new HikariDataSource(config);
        schema = EventStoreSchema.of("es_kit_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12));
        schema.create(dataSource);
        return JdbcEventStore.create(dataSource, b -> b.schema(schema).clock(clock));
    }

    @AfterEach
    void dropSchema() throws Exception {
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
            st.execute("DROP SCHEMA IF EXISTS " + schema.schema() + " CASCADE");
        } finally {
            dataSource.close();
        }
    }
}
