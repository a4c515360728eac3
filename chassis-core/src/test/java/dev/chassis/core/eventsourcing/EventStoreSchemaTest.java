package dev.chassis.core.eventsourcing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class EventStoreSchemaTest {
    @Test
    void qualifiesTheTableWithTheSchema() {
        assertThat(EventStoreSchema.defaults().qualifiedTable()).isEqualTo("public.chassis_events");
        assertThat(EventStoreSchema.of("orders").qualifiedTable()).isEqualTo("orders.chassis_events");
        assertThat(EventStoreSchema.of("orders")).isEqualTo(EventStoreSchema.of("orders"));
    }

    @Test
    void rejectsSchemaNamesThatAreNotPlainIdentifiersSayingWhatIsAllowed() {
        assertThatThrownBy(() -> EventStoreSchema.of("Orders")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("lower-case identifier");
        assertThatThrownBy(() -> EventStoreSchema.of("a; drop table x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EventStoreSchema.of("x".repeat(64))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void runsTheShippedMigrationStatementByStatementWithoutComments() {
        // when
        var statements = EventStoreSchema.statements();

        // then
        assertThat(statements).hasSize(2);
        assertThat(statements.get(0)).startsWith("CREATE TABLE IF NOT EXISTS chassis_events")
                .contains("transaction_id xid8", "UNIQUE (stream, version)", "UNIQUE (event_id)");
        assertThat(statements.get(1)).startsWith("CREATE INDEX IF NOT EXISTS")
                .contains("(transaction_id, seq)");
        assertThat(statements).noneMatch(s -> s.contains("--"));
    }
}
