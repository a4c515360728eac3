package dev.chassis.messaging.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class OutboxSchemaTest {

    @Test
    void shipsTheIdempotentMigrationWithUnqualifiedNames() {
        // when
        String sql = OutboxSchema.migrationSql();

        // then
        assertThat(OutboxSchema.statements()).hasSize(7).allSatisfy(s -> assertThat(s).contains("IF NOT EXISTS"));
        assertThat(sql).contains("CREATE TABLE IF NOT EXISTS chassis_outbox (", "WHERE sent_at IS NULL",
                "ADD COLUMN IF NOT EXISTS attempts", "ADD COLUMN IF NOT EXISTS failed_at").doesNotContain("public.");
        assertThat(OutboxSchema.MIGRATION_RESOURCES).first().isEqualTo(OutboxSchema.MIGRATION_RESOURCE);
        assertThat(OutboxSchema.MIGRATION_RESOURCES).extracting(r -> r.substring(r.lastIndexOf('/') + 1))
                .containsExactly("V1__chassis_outbox.sql", "V2__chassis_outbox_parking.sql");
    }

    @Test
    void qualifiesTheTableWithTheConfiguredSchema() {
        assertThat(OutboxSchema.of("orders").qualifiedTable()).isEqualTo("orders.chassis_outbox");
        assertThat(OutboxSchema.defaults().qualifiedTable()).isEqualTo("public.chassis_outbox");
        assertThat(OutboxSchema.of("orders")).isEqualTo(OutboxSchema.of("orders")).isNotEqualTo(OutboxSchema.defaults());
    }

    @Test
    void rejectsSchemaNamesThatAreNotPlainIdentifiers() {
        assertThatThrownBy(() -> OutboxSchema.of("orders; drop table x")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("schema");
        assertThatThrownBy(() -> OutboxSchema.of("Orders")).isInstanceOf(IllegalArgumentException.class);
    }
}
