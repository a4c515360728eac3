package dev.chassis.messaging.inbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class InboxSchemaTest {

    @Test
    void theShippedMigrationIsTheUnqualifiedDdl() throws IOException {
        // given
        String migration;
        try (InputStream in = InboxSchema.class.getResourceAsStream("V1__chassis_inbox.sql")) {
            assertThat(in).as("migration on the classpath").isNotNull();
            migration = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }

        // then
        assertThat(migration).isEqualTo(InboxSchema.ddl(Optional.empty()));
    }

    @Test
    void aSchemaQualifiesTheTable() {
        assertThat(InboxSchema.ddl(Optional.of("billing")))
                .contains("create table if not exists billing.chassis_inbox (")
                .contains("create index if not exists chassis_inbox_received_at on billing.chassis_inbox (received_at)");
    }

    @Test
    void rejectsASchemaThatIsNotAPlainIdentifier() {
        assertThatThrownBy(() -> InboxSchema.checkSchema("billing; drop table x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("schema");
        assertThatThrownBy(() -> InboxSchema.checkSchema("Billing"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lower-case");
    }
}
