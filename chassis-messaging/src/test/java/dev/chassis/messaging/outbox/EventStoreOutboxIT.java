package dev.chassis.messaging.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chassis.core.envelope.Envelope;
import dev.chassis.core.eventsourcing.EventStoreSchema;
import dev.chassis.core.eventsourcing.ExpectedVersion;
import dev.chassis.core.eventsourcing.JdbcEventStore;
import dev.chassis.core.eventsourcing.NewEvent;
import dev.chassis.core.jdbc.TxRunner;
import dev.chassis.core.outbox.OutboxRecord;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Events and their outbox messages commit together; also runs the outbox sample of docs/event-sourcing.md. */
class EventStoreOutboxIT {
    private final PgFixture pg = new PgFixture();
    private final EventStoreSchema eventStoreSchema = EventStoreSchema.of(pg.schema.schema());
    private final JdbcOutboxStore outboxRows = new JdbcOutboxStore(pg.dataSource, pg.schema);

    @AfterEach
    void tearDown() throws Exception {
        pg.close();
    }

    @Test
    void anAppendWithTheHookCommitsTheEventsAndOneOutboxMessageEach() {
        // given (the sample of docs/event-sourcing.md)
        DataSource dataSource = pg.dataSource;
        OutboxSchema outboxSchema = pg.schema;
        EventStoreSchema eventStoreSchema = this.eventStoreSchema;
        eventStoreSchema.create(dataSource);

        Outbox outbox = Outbox.create(b -> b.schema(outboxSchema));
        JdbcEventStore store = JdbcEventStore.create(dataSource, b -> b
                .schema(eventStoreSchema)
                .appendHook(EventStoreOutbox.create(outbox, "/order-service")));

        store.append("order-42", ExpectedVersion.noStream(), List.of(
                new NewEvent("e-1", "order.placed", 1, "{\"total\": 1250}",
                        Map.of("correlationId", "c-7", "causationId", "cmd-3")),
                NewEvent.of("order.paid", 1, "{\"amount\": 1250}")));

        // then
        List<OutboxRecord> messages = outboxRows.unsent(10);
        assertThat(messages).hasSize(2);
        assertThat(messages).extracting(r -> r.message().topic()).containsExactly("order.placed", "order.paid");
        assertThat(messages).extracting(r -> r.message().orderingKey()).containsOnly("order-42");
        Envelope placed = messages.get(0).message().envelope();
        assertThat(placed.id()).isEqualTo("e-1");
        assertThat(placed.type()).isEqualTo("order.placed");
        assertThat(placed.source()).hasToString("/order-service");
        assertThat(placed.subject()).contains("order-42");
        assertThat(placed.dataContentType()).contains("application/json");
        assertThat(placed.dataAs(Map.class)).isEqualTo(Map.of("total", 1250));
        assertThat(placed.correlationId()).contains("c-7");
        assertThat(placed.causationId()).contains("cmd-3");
        assertThat(placed.extension("typeversion")).contains(1);
        assertThat(placed.time()).isEqualTo(store.read("order-42").stream().findFirst().map(e -> e.recordedAt()));
        assertThat(messages.get(1).message().envelope().id()).isEqualTo(store.read("order-42").get(1).id());
    }

    @Test
    void aRolledBackTransactionWritesNeitherEventsNorMessages() throws Exception {
        // given
        eventStoreSchema.create(pg.dataSource);
        JdbcEventStore store = JdbcEventStore.create(pg.dataSource, b -> b.schema(eventStoreSchema)
                .appendHook(EventStoreOutbox.create(pg.outbox(), "/order-service", h -> h.topic(e -> "orders." + e.type()))));

        // when
        assertThatThrownBy(() -> TxRunner.of(pg.dataSource).inTransaction(tx -> {
            store.append(tx, "order-43", ExpectedVersion.noStream(), List.of(NewEvent.of("order.placed", 1, "{}")));
            throw new IllegalStateException("stock check failed");
        })).hasMessage("stock check failed");
        store.append("order-44", ExpectedVersion.noStream(), List.of(NewEvent.of("order.placed", 1, "{}")));

        // then only the committed append is in both tables
        assertThat(store.version("order-43")).isZero();
        assertThat(outboxRows.unsent(10)).extracting(r -> r.message().orderingKey()).containsExactly("order-44");
        assertThat(outboxRows.unsent(10)).extracting(r -> r.message().topic()).containsExactly("orders.order.placed");
    }

    @Test
    void rejectsASourceThatIsNotAUriReference() {
        assertThatThrownBy(() -> EventStoreOutbox.create(pg.outbox(), "a b"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("source");
        assertThatThrownBy(() -> EventStoreOutbox.builder().source("/x").build())
                .isInstanceOf(NullPointerException.class).hasMessageContaining("outbox");
    }
}
