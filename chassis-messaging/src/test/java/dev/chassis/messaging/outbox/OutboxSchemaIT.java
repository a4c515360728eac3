package dev.chassis.messaging.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chassis.core.envelope.CloudEventJson;
import dev.chassis.core.envelope.Envelope;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OutboxSchemaIT {
    private final PgFixture pg = new PgFixture();

    @AfterEach
    void tearDown() throws Exception {
        pg.close();
    }

    @Test
    void createsTheTableIdempotentlyFromSeveralInstancesAtOnce() throws Exception {
        // given
        OutboxSchema fresh = OutboxSchema.of(pg.schema.schema() + "_b");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            // when
            List<Future<?>> runs = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                runs.add(pool.submit(() -> fresh.create(pg.dataSource)));
            }
            for (Future<?> run : runs) {
                run.get(30, TimeUnit.SECONDS);
            }
            fresh.create(pg.dataSource);

            // then
            assertThat(columns(fresh)).containsExactly("id", "topic", "ordering_key", "message_id", "event_type",
                    "envelope", "traceparent", "tracestate", "created_at", "sent_at");
        } finally {
            pool.shutdown();
            try (Connection c = pg.dataSource.getConnection(); Statement st = c.createStatement()) {
                st.execute("DROP SCHEMA IF EXISTS " + fresh.schema() + " CASCADE");
            }
        }
    }

    @Test
    void storesTheEnvelopeAsCloudEventsJsonAndRejectsAutoCommitConnections() throws Exception {
        // given
        Envelope envelope = PgFixture.envelope("stored");

        // when
        pg.commit("order.placed", "o-1", envelope);

        // then
        try (Connection c = pg.dataSource.getConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT envelope, message_id FROM " + pg.schema.qualifiedTable())) {
            rs.next();
            assertThat(CloudEventJson.read(rs.getBytes(1))).isEqualTo(envelope.toBuilder()
                    .correlationId(CloudEventJson.read(rs.getBytes(1)).correlationId().orElseThrow()).build());
            assertThat(rs.getString(2)).isEqualTo(envelope.id());
            assertThatThrownBy(() -> pg.outbox().add(c, "order.placed", envelope))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("auto-commit");
        }
    }

    private List<String> columns(OutboxSchema schema) throws Exception {
        List<String> names = new ArrayList<>();
        try (Connection c = pg.dataSource.getConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT column_name FROM information_schema.columns WHERE table_schema = '"
                        + schema.schema() + "' AND table_name = 'chassis_outbox' ORDER BY ordinal_position")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        return names;
    }
}
