package dev.chassis.core.eventsourcing.projection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chassis.core.eventsourcing.GlobalPosition;
import dev.chassis.core.jdbc.TxRunner;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/** Creating the checkpoint table, against the local PostgreSQL; each test has a schema of its own. */
class CheckpointSchemaIT {
    private final CheckpointSchema schema =
            CheckpointSchema.of("checkpoint_schema_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10));
    private final PGSimpleDataSource dataSource = new PGSimpleDataSource();

    CheckpointSchemaIT() {
        dataSource.setURL(System.getProperty("chassis.pg.url", "jdbc:postgresql://127.0.0.1:5432/test"));
        dataSource.setUser(System.getProperty("chassis.pg.user", "postgres"));
    }

    @AfterEach
    void dropSchema() throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
            st.execute("DROP SCHEMA IF EXISTS " + schema.schema() + " CASCADE");
        }
    }

    @Test
    void severalInstancesCreatingTheTableAtOnceAllSucceed() throws Exception {
        // given
        int instances = 6;
        ExecutorService threads = Executors.newFixedThreadPool(instances);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> creating = new ArrayList<>();

        // when
        for (int i = 0; i < instances; i++) {
            creating.add(threads.submit(() -> {
                go.await();
                schema.create(dataSource);
                return null;
            }));
        }
        go.countDown();
        for (Future<?> f : creating) {
            f.get(30, TimeUnit.SECONDS);
        }
        threads.shutdown();
        schema.create(dataSource);

        // then
        CheckpointStore store = JdbcCheckpointStore.of(TxRunner.of(dataSource), schema);
        store.update("p", (tx, stored) -> new GlobalPosition(1, 2));
        assertThat(store.load("p")).contains(new GlobalPosition(1, 2));
        assertThat(schema.qualifiedTable()).isEqualTo(schema.schema() + ".projection_checkpoints");
    }

    @Test
    void theShippedMigrationHasTheDocumentedColumns() {
        // when
        List<String> statements = CheckpointSchema.statements();

        // then
        assertThat(statements).hasSize(1);
        assertThat(statements.get(0)).startsWith("CREATE TABLE IF NOT EXISTS projection_checkpoints")
                .contains("name", "transaction_id", "seq", "updated_at");
        assertThatThrownBy(() -> CheckpointSchema.of("Bad-Name")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("schema");
    }

    @Test
    void theReadModelConnectionIsTheCheckpointsAndEndsWithTheWork() throws SQLException {
        // given
        schema.create(dataSource);
        CheckpointStore store = JdbcCheckpointStore.of(TxRunner.of(dataSource), schema);
        ProjectionTransaction[] kept = new ProjectionTransaction[1];

        // when
        store.update("p", (tx, stored) -> {
            try (Statement st = tx.connection().createStatement()) {
                st.execute("CREATE TABLE " + schema.schema() + ".seen (n int)");
                st.execute("INSERT INTO " + schema.schema() + ".seen VALUES (1)");
            }
            kept[0] = tx;
            return new GlobalPosition(1, 1);
        });

        // then
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement();
                var rs = st.executeQuery("SELECT count(*) FROM " + schema.schema() + ".seen")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(1);
        }
        assertThatThrownBy(() -> kept[0].connection()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("ended");
        assertThatThrownBy(() -> InMemoryCheckpointStore.create().update("p", (tx, stored) -> {
            tx.connection();
            return stored;
        })).isInstanceOf(IllegalStateException.class).hasMessageContaining("JdbcCheckpointStore");
    }
}
