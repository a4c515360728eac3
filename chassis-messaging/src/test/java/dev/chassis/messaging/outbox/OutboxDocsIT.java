package dev.chassis.messaging.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.chassis.core.admin.AdminServer;
import dev.chassis.core.bus.EventBus;
import dev.chassis.core.envelope.Envelope;
import dev.chassis.core.health.HealthRegistry;
import dev.chassis.core.jdbc.TxRunner;
import dev.chassis.core.outbox.ParkedMessage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Runs the outbox samples of docs/outbox-inbox.md, which must appear here verbatim. */
class OutboxDocsIT {
    private final PgFixture pg = new PgFixture();
    private final RecordingBus recording = pg.closeLater(new RecordingBus());

    record Order(String id, long total) {
    }

    /** The business table of the samples. */
    private final class OrderRows {
        void insert(Connection connection, Order order) throws Exception {
            try (PreparedStatement ps = connection.prepareStatement(
                    "INSERT INTO " + pg.schema.schema() + ".orders (id, total) VALUES (?, ?)")) {
                ps.setString(1, order.id());
                ps.setLong(2, order.total());
                ps.executeUpdate();
            }
        }
    }

    @AfterEach
    void tearDown() throws Exception {
        pg.close();
    }

    @Test
    void setUpWriteInOwnTransactionAndMonitor() throws Exception {
        DataSource dataSource = pg.dataSource;
        OutboxSchema schema = pg.schema;
        EventBus bus = recording;
        OrderRows orders = new OrderRows();
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE " + schema.schema() + ".orders (id text PRIMARY KEY, total bigint NOT NULL)");
        }

        schema.create(dataSource);
        Outbox outbox = Outbox.create(b -> b.schema(schema));
        OutboxRelay relay = OutboxRelay.builder()
                .dataSource(dataSource)
                .schema(schema)
                .eventBus(bus)
                .build();
        relay.start();

        Order order = new Order("o-42", 1250);
        TxRunner.of(dataSource).inTransaction(connection -> {
            orders.insert(connection, order);
            outbox.add(connection, "order.placed", order.id(), Envelope.builder()
                    .type("order.placed")
                    .source("/order-service")
                    .subject(order.id())
                    .data(order)
                    .build());
            return null;
        });

        AdminServer admin = AdminServer.builder()
                .port(0)
                .routes(relay.adminRoutes())
                .build()
                .start();
        HealthRegistry health = HealthRegistry.builder()
                .check(relay.readinessCheck(Duration.ofMinutes(5)))
                .build();

        try {
            await().untilAsserted(() -> assertThat(recording.delivered()).hasSize(1));
            assertThat(recording.delivered().get(0).dataAs(Order.class)).isEqualTo(order);
            await().until(() -> relay.backlog() == 0);
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + admin.port() + "/chassis/outbox")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).contains("\"backlog\":0", "\"leader\":true");
            assertThat(health.readiness().isUp()).isTrue();
        } finally {
            admin.close();
            health.close();
            relay.close();
        }
    }

    @Test
    void embeddedDefaultInMemory() {
        EventBus bus = recording;
        Envelope envelope = PgFixture.envelope("in memory");

        InMemoryOutbox outbox = InMemoryOutbox.create();
        OutboxRelay relay = OutboxRelay.builder()
                .outbox(outbox)
                .eventBus(bus)
                .build();
        relay.start();
        outbox.add("order.placed", "o-42", envelope);

        try {
            await().untilAsserted(() -> assertThat(recording.deliveredTexts()).containsExactly("in memory"));
        } finally {
            relay.close();
        }
    }

    @Test
    void inspectAndRequeueParkedRows() {
        InMemoryOutbox outbox = InMemoryOutbox.create();
        recording.refuseWhen(e -> e.dataText().equals("poison"));
        OutboxRelay relay = OutboxRelay.builder()
                .outbox(outbox)
                .eventBus(recording)
                .backoff(Duration.ofMillis(5), Duration.ofMillis(20))
                .maxAttempts(2)
                .build();
        relay.start();
        try {
            outbox.add("audit.recorded", "a-1", PgFixture.envelope("poison"));
            outbox.add("audit.recorded", "a-1", PgFixture.envelope("after"));
            await().until(() -> relay.parkedCount() == 1 && recording.deliveredTexts().contains("after"));
            recording.heal();

            for (ParkedMessage parked : relay.parked(100)) {
                System.out.printf("parked row %d to '%s' after %d attempts: %s%n", parked.record().id(),
                        parked.record().message().topic(), parked.attempts(), parked.lastError());
            }
            int requeued = relay.retryParked();

            assertThat(requeued).isEqualTo(1);
            await().untilAsserted(() -> assertThat(recording.deliveredTexts()).containsExactly("after", "poison"));
        } finally {
            relay.close();
        }
    }
}
