package dev.chassis.testkit.eventsourcing;

import dev.chassis.core.eventsourcing.projection.CheckpointSchema;
import dev.chassis.core.eventsourcing.projection.CheckpointStore;
import dev.chassis.core.eventsourcing.projection.JdbcCheckpointStore;
import dev.chassis.core.jdbc.TxRunner;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The PostgreSQL checkpoint store keeps every promise of the kit, against the local database; each
 * test gets a schema of its own, dropped afterwards. A reopened store is a new store on a new data
 * source, so concurrent updates go through separate connections and sessions.
 */
class JdbcCheckpointStoreCompatibilityIT extends CheckpointStoreCompatibilityKit {
    private static final String URL = System.getProperty("chassis.pg.url", "jdbc:postgresql://127.0.0.1:5432/test");
    private static final String USER = System.getProperty("chassis.pg.user", "postgres");

    private final CheckpointSchema schema =
            CheckpointSchema.of("checkpoints_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12));

    @Override
    protected CheckpointStore createStore() {
        PGSimpleDataSource dataSource = dataSource();
        schema.create(dataSource);
        return JdbcCheckpointStore.of(TxRunner.of(dataSource), schema);
    }

    @Override
    protected CheckpointStore reopen(CheckpointStore store) {
        return JdbcCheckpointStore.of(TxRunner.of(dataSource()), schema);
    }

    @AfterEach
    void dropSchema() throws SQLException {
        try (Connection c = dataSource().getConnection(); Statement st = c.createStatement()) {
            st.execute("DROP SCHEMA IF EXISTS " + schema.schema() + " CASCADE");
        }
    }

    private static PGSimpleDataSource dataSource() {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setURL(URL);
        dataSource.setUser(USER);
        return dataSource;
    }
}
