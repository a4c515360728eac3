package dev.chassis.core.eventsourcing.projection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.chassis.core.eventsourcing.ExpectedVersion;
import dev.chassis.core.eventsourcing.InMemoryEventStore;
import dev.chassis.core.eventsourcing.NewEvent;
import dev.chassis.core.eventsourcing.RecordedEvent;
import dev.chassis.core.health.HealthCheck;
import dev.chassis.core.health.HealthResult;
import dev.chassis.core.jdbc.TxRunner;
import dev.chassis.core.json.JsonCodec;
import dev.chassis.core.lifecycle.Lifecycle;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Runs the samples of the "Projections" section of docs/event-sourcing.md against the local PostgreSQL. */
class ProjectionDocsIT {
    private static final String URL = System.getProperty("chassis.pg.url", "jdbc:postgresql://127.0.0.1:5432/test");
    private static final String USER = System.getProperty("chassis.pg.user", "postgres");
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final String readModelSchema = "projection_docs_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    private final InMemoryEventStore eventStore = new InMemoryEventStore();
    private final Lifecycle lifecycle = Lifecycle.ofDefaults();
    private HikariDataSource dataSource;

    record OrderPlaced(String customer, long cents) {}

    final class CustomerTotals implements Projection {
        private static final JsonCodec JSON = JsonCodec.defaults();

        @Override
        public String name() {
            return "customer-totals";
        }

        @Override
        public boolean handles(String eventType) {
            return eventType.equals("order.placed");
        }

        @Override
        public void apply(ProjectionTransaction tx, RecordedEvent event) throws SQLException {
            OrderPlaced placed = JSON.read(event.data(), OrderPlaced.class);
            try (PreparedStatement ps = tx.connection().prepareStatement(
                    "insert into customer_totals (customer, cents) values (?, ?)"
                            + " on conflict (customer) do update set cents = customer_totals.cents + excluded.cents")) {
                ps.setString(1, placed.customer());
                ps.setLong(2, placed.cents());
                ps.executeUpdate();
            }
        }

        @Override
        public void reset(ProjectionTransaction tx) throws SQLException {
            try (Statement st = tx.connection().createStatement()) {
                st.execute("delete from customer_totals");
            }
        }
    }

    @BeforeEach
    void createReadModel() throws SQLException {
        try (Connection c = DriverManager.getConnection(URL, USER, ""); Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA " + readModelSchema);
            st.execute("CREATE TABLE " + readModelSchema + ".customer_totals (customer text PRIMARY KEY, cents bigint NOT NULL)");
        }
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(URL);
        config.setUsername(USER);
        config.setSchema(readModelSchema);
        config.setMaximumPoolSize(4);
        dataSource = new HikariDataSource(config);
    }

    @AfterEach
    void dropReadModel() throws SQLException {
        lifecycle.shutdown();
        dataSource.close();
        try (Connection c = DriverManager.getConnection(URL, USER, ""); Statement st = c.createStatement()) {
            st.execute("DROP SCHEMA IF EXISTS " + readModelSchema + " CASCADE");
        }
    }

    private ProjectorRunner startRunner() {
        CheckpointSchema checkpointSchema = CheckpointSchema.of(readModelSchema);
        checkpointSchema.create(dataSource);
        CheckpointStore checkpoints = JdbcCheckpointStore.of(TxRunner.of(dataSource), checkpointSchema);
        ProjectorRunner runner = ProjectorRunner.builder(new CustomerTotals(), eventStore, checkpoints)
                .batchSize(200)
                .pollInterval(Duration.ofMillis(100))
                .retryBackoff(Duration.ofMillis(200), Duration.ofSeconds(10))
                .build();
        lifecycle.add(runner);
        lifecycle.start();
        return runner;
    }

    private static HealthCheck healthOf(ProjectorRunner runner) {
        HealthCheck projectionHealth = HealthCheck.readiness("projection.customer-totals", () -> {
            ProjectorStatus status = runner.status();
            if (status.failing()) {
                return HealthResult.down("stuck at event " + status.failingEventId() + ": " + status.lastError(),
                        Map.of("failures", status.consecutiveFailures()));
            }
            return HealthResult.up(Map.of("position", runner.position().toString(), "caughtUp", status.caughtUp()));
        });
        return projectionHealth;
    }

    private long centsOf(String customer) {
        return TxRunner.of(dataSource).inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("select cents from customer_totals where customer = ?")) {
                ps.setString(1, customer);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? rs.getLong(1) : 0L;
                }
            }
        });
    }

    @Test
    void projectsRebuildsAndReportsHealth() throws Exception {
        // given
        ProjectorRunner runner = startRunner();

        // when
        eventStore.append("order-1", ExpectedVersion.noStream(),
                List.of(NewEvent.of("order.placed", 1, "{\"customer\":\"c-7\",\"cents\":1250}")));
        runner.wake();
        eventStore.append("order-2", ExpectedVersion.noStream(),
                List.of(NewEvent.of("order.placed", 1, "{\"customer\":\"c-7\",\"cents\":750}")));

        // then
        await().atMost(TIMEOUT).until(() -> centsOf("c-7") == 2000 && runner.status().caughtUp());
        HealthResult health = healthOf(runner).probe().check();
        assertThat(health.isUp()).isTrue();
        assertThat(health.details()).containsEntry("caughtUp", true);

        // when
        runner.rebuild();

        // then
        await().atMost(TIMEOUT).until(() -> runner.status().caughtUp() && runner.status().applied() == 4);
        assertThat(centsOf("c-7")).isEqualTo(2000);
        lifecycle.shutdown();
        assertThat(runner.status().state()).isEqualTo(ProjectorStatus.State.STOPPED);
    }

    @Test
    void aPoisonEventStopsTheProjectionAndTurnsItsHealthDown() throws Exception {
        // given
        eventStore.append("order-1", ExpectedVersion.noStream(),
                List.of(NewEvent.of("order.placed", 1, "{\"customer\":\"c-7\",\"cents\":1250}")));
        RecordedEvent lastGood = eventStore.read("order-1").get(0);
        eventStore.append("order-2", ExpectedVersion.noStream(), List.of(NewEvent.of("order.placed", 1, "not json")));
        eventStore.append("order-3", ExpectedVersion.noStream(),
                List.of(NewEvent.of("order.placed", 1, "{\"customer\":\"c-7\",\"cents\":5}")));
        RecordedEvent bad = eventStore.read("order-2").get(0);

        // when
        ProjectorRunner runner = startRunner();

        // then
        await().atMost(TIMEOUT).until(() -> runner.status().consecutiveFailures() >= 2);
        HealthResult health = healthOf(runner).probe().check();
        assertThat(health.isUp()).isFalse();
        assertThat(health.error()).contains(bad.id());
        assertThat(centsOf("c-7")).isEqualTo(1250);
        assertThat(runner.position()).isEqualTo(lastGood.position());
        assertThat(runner.status().failingEventPosition()).isEqualTo(bad.position());
    }
}
