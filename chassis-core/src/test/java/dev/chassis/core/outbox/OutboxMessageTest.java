package dev.chassis.core.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chassis.core.envelope.Envelope;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class OutboxMessageTest {
    private final Envelope envelope = Envelope.builder().type("order.placed").source("/orders").build();

    @Test
    void keepsTheOrderingKeyWhenGiven() {
        // when
        OutboxMessage keyed = OutboxMessage.of("order.placed", "order-42", envelope);
        OutboxMessage plain = OutboxMessage.of("order.placed", envelope);

        // then
        assertThat(keyed.key()).contains("order-42");
        assertThat(plain.key()).isEmpty();
    }

    @Test
    void rejectsBlankTopicsAndEmptyKeysNamingTheParameter() {
        assertThatThrownBy(() -> OutboxMessage.of(" ", envelope)).hasMessageContaining("topic");
        assertThatThrownBy(() -> new OutboxMessage("t", "", envelope)).hasMessageContaining("orderingKey");
        assertThatThrownBy(() -> new OutboxRecord(0, OutboxMessage.of("t", envelope), Instant.EPOCH))
                .hasMessageContaining("id");
    }
}
