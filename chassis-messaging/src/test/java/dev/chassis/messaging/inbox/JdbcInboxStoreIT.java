package dev.chassis.messaging.inbox;

import dev.chassis.core.inbox.InboxStore;
import dev.chassis.core.jdbc.TxRunner;
import dev.chassis.testkit.inbox.InboxStoreCompatibilityKit;
import java.sql.SQLException;
import org.junit.jupiter.api.AfterEach;

/** The JDBC store keeps every promise of the inbox store, on the local PostgreSQL, in a schema per test. */
class JdbcInboxStoreIT extends InboxStoreCompatibilityKit {
    private PgSchema schema;

    @Override
    protected InboxStore createStore() {
        try {
            schema = new PgSchema();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot prepare a schema on " + PgSchema.URL, e);
        }
        return JdbcInboxStore.of(TxRunner.of(schema.dataSource), schema.name);
    }

    @AfterEach
    void dropSchema() throws SQLException {
        schema.close();
    }
}
