package dev.chassis.messaging.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chassis.core.envelope.CloudEventJson;
import dev.chassis.core.envelope.Envelope;
import dev.chassis.core.jdbc.TxRunner;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
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
                    "envelope", "traceparent", "tracestate", "created_at", "sent_at", "attempts", "last_error", "failed_at");
        } finally {
            pool.shutdown();
            try (Connection c = pg.dataSource.getConnection(); Statement st = c.createStatement()) {
                st.execute("DROP SCHEMA IF EXISTS " + fresh.schema() + " CASCADE");
            }
        }
    }

    @Test
    void upgradesATableOfTheFirstVersionKeepingItsRows() throws Exception {
        // given: a table as the first migration alone made it, with one unsent row
        OutboxSchema old = OutboxSchema.of(pg.schema.schema() + "_v1");
        try (Connection c = pg.dataSource.getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA " + old.schema());
            st.execute("SET search_path TO " + old.schema());
            for (String ddl : OutboxSchema.statements().subList(0, 3)) {
                st.execute(ddl);
            }
            st.execute("RESET search_path");
        }
        try {
            commitOneRow(old);
            assertThat(columns(old)).doesNotContain("attempts");

            // when
            old.create(pg.dataSource);
            old.create(pg.dataSource);

            // then
            assertThat(columns(old)).endsWith("sent_at", "attempts", "last_error", "failed_at");
            JdbcOutboxStore store = new JdbcOutboxStore(pg.dataSource, old);
            assertThat(store.unsent(10)).hasSize(1);
            assertThat(store.markFailed(store.unsent(10).get(0).id(), "refused", Instant.now(), 1))
                    .isEqualTo(1);
            assertThat(store.parkedCount()).isEqualTo(1);
        } finally {
            try (Connection c = pg.dataSource.getConnection(); Statement st = c.createStatement()) {
                st.execute("DROP SCHEMA IF EXISTS " + old.schema() + " CASCADE");
            }
        }
    }

    private void commitOneRow(OutboxSchema schema) {
        TxRunner.of(pg.dataSource).inTransaction(c -> Outbox.create(b -> b.schema(schema))
                .add(c, "order.placed", "o-1", PgFixture.envelope("before-upgrade")));
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
