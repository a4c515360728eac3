package dev.chassis.core.saga;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class SagaSchemaTest {
    @Test
    void qualifiesTheTableWithTheSchema() {
        assertThat(SagaSchema.defaults().qualifiedTable()).isEqualTo("public.chassis_sagas");
        assertThat(SagaSchema.of("orders").qualifiedTable()).isEqualTo("orders.chassis_sagas");
        assertThat(SagaSchema.of("orders")).isEqualTo(SagaSchema.of("orders")).isNotEqualTo(SagaSchema.defaults());
        assertThat(SagaSchema.of("orders")).hasToString("SagaSchema[orders]");
    }

    @Test
    void rejectsSchemaNamesThatAreNotPlainIdentifiersSayingWhatIsAllowed() {
        assertThatThrownBy(() -> SagaSchema.of("Orders")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("lower-case identifier");
        assertThatThrownBy(() -> SagaSchema.of("a; drop table x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SagaSchema.of("x".repeat(64))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void runsTheShippedMigrationStatementByStatementWithoutComments() {
        // when
        List<String> statements = SagaSchema.statements();

        // then the table and the indexes of due() and inState()
        assertThat(statements).hasSize(3);
        assertThat(statements.get(0)).startsWith("CREATE TABLE IF NOT EXISTS chassis_sagas")
                .contains("id                 text COLLATE \"C\" PRIMARY KEY", "data               jsonb",
                        "history            jsonb", "lease_until        timestamptz NULL");
        assertThat(statements.get(1)).startsWith("CREATE INDEX IF NOT EXISTS chassis_sagas_due")
                .contains("(deadline)", "WHERE state IN ('RUNNING', 'COMPENSATING')");
        assertThat(statements.get(2)).startsWith("CREATE INDEX IF NOT EXISTS chassis_sagas_state_id")
                .contains("(state, id)");
        assertThat(statements).noneMatch(s -> s.contains("--"));
        assertThat(SagaSchema.migrationSql()).startsWith("-- Chassis saga store, version 1.");
    }
}
