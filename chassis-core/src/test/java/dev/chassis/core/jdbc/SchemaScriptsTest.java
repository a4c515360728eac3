package dev.chassis.core.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class SchemaScriptsTest {

    @Test
    void acceptsLowerCaseIdentifiersOnly() {
        // given / when / then
        assertThat(SchemaScripts.checkSchemaName("orders_2")).isEqualTo("orders_2");
        for (String bad : List.of("Orders", "2orders", "orders;drop table x", "", "a".repeat(64), "or ders")) {
            assertThatThrownBy(() -> SchemaScripts.checkSchemaName(bad))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("lower-case identifier")
                    .hasMessageContaining("'" + bad + "'");
        }
    }

    @Test
    void splitsStatementsAndDropsCommentLines() {
        // given
        String sql = "-- a table\nCREATE TABLE IF NOT EXISTS t (id bigint);\n\n"
                + "  -- its index\nCREATE INDEX IF NOT EXISTS t_id ON t (id);\n";

        // when
        List<String> statements = SchemaScripts.statements(sql);

        // then
        assertThat(statements).containsExactly("CREATE TABLE IF NOT EXISTS t (id bigint)",
                "CREATE INDEX IF NOT EXISTS t_id ON t (id)");
    }

    @Test
    void readsResourcesInOrderAndNamesAMissingOne() {
        // given
        List<String> shipped = List.of("/dev/chassis/core/saga/sagas.sql", "/dev/chassis/core/eventsourcing/event-store.sql");

        // when
        String text = SchemaScripts.read(SchemaScriptsTest.class, shipped);

        // then
        assertThat(text.indexOf("chassis_sagas")).isLessThan(text.indexOf("chassis_events"));
        assertThatThrownBy(() -> SchemaScripts.read(SchemaScriptsTest.class, List.of("/no/such.sql")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("/no/such.sql");
    }
}
