package dev.chassis.testkit.saga;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.chassis.core.envelope.CloudEventJson;
import dev.chassis.core.saga.JdbcSagaStore;
import dev.chassis.core.saga.SagaMessage;
import dev.chassis.core.saga.SagaMessageHook;
import dev.chassis.core.saga.SagaSchema;
import dev.chassis.core.saga.SagaStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;

/**
 * The kit against the PostgreSQL store on the local database, in a schema of its own per test. Its
 * message hook writes each message to a table in the save's transaction, so the messages the kit sees
 * are exactly those that committed with a saga.
 */
class JdbcSagaStoreCompatibilityIT extends SagaStoreCompatibilityKit {
    private static final String URL = System.getProperty("chassis.pg.url", "jdbc:postgresql://127.0.0.1:5432/test");

    private HikariDataSource dataSource;
    private SagaSchema schema;

    @Override
    protected SagaStore createStore(Clock clock) throws Exception {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(URL);
        config.setUsername(System.getProperty("chassis.pg.user", "postgres"));
        config.setMaximumPoolSize(10);
        dataSource = new HikariDataSource(config);
        schema = SagaSchema.of("saga_kit_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12));
        schema.create(dataSource);
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE " + schema.schema() + ".sent (seq bigserial PRIMARY KEY, topic text NOT NULL,"
                    + " key text NOT NULL, envelope bytea NOT NULL)");
        }
        SagaMessageHook hook = (tx, messages) -> {
            try (PreparedStatement ps = tx.prepareStatement("INSERT INTO " + schema.schema()
                    + ".sent (topic, key, envelope) VALUES (?, ?, ?)")) {
                for (SagaMessage m : messages) {
                    ps.setString(1, m.topic());
                    ps.setString(2, m.key());
                    ps.setBytes(3, CloudEventJson.write(m.envelope()));
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        };
        return JdbcSagaStore.create(dataSource, b -> b.schema(schema).clock(clock).messageHook(hook));
    }

    @Override
    protected List<SagaMessage> sentMessages() throws Exception {
        List<SagaMessage> sent = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT topic, key, envelope FROM " + schema.schema() + ".sent ORDER BY seq")) {
            while (rs.next()) {
                sent.add(new SagaMessage(rs.getString(1), rs.getString(2), CloudEventJson.read(rs.getBytes(3))));
            }
        }
        return sent;
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
