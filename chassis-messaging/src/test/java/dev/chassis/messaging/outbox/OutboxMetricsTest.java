package dev.chassis.messaging.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.chassis.core.envelope.Envelope;
import dev.chassis.messaging.MetricsFixture;
import dev.chassis.testkit.time.TestClock;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OutboxMetricsTest {
    private static final Attributes RELAY = Attributes.of(AttributeKey.stringKey("chassis.outbox.name"), "orders");

    private final MetricsFixture metrics = new MetricsFixture();
    private final TestClock clock = TestClock.at("2026-01-01T10:00:00Z");
    private final InMemoryOutbox outbox = InMemoryOutbox.create(clock);
    private final RecordingBus bus = new RecordingBus();
    private final OutboxRelay relay = OutboxRelay.builder()
            .name("orders")
            .outbox(outbox)
            .eventBus(bus)
            .pollInterval(Duration.ofMillis(50))
            .backoff(Duration.ofMillis(10), Duration.ofMillis(40))
            .maxAttempts(2)
            .clock(clock)
            .openTelemetry(metrics.openTelemetry)
            .build();

    @AfterEach
    void tearDown() {
        relay.close();
        bus.close();
        metrics.close();
    }

    @Test
    void reportsBacklogAndLagOfUnsentMessages() {
        // given
        outbox.add("order.placed", envelope("a"));
        clock.advance(Duration.ofSeconds(30));
        outbox.add("order.placed", envelope("b"));

        // when
        clock.advance(Duration.ofSeconds(12));

        // then
        assertThat(metrics.value("chassis.outbox.backlog", RELAY)).isEqualTo(2);
        assertThat(metrics.value("chassis.outbox.lag", RELAY)).isEqualTo(42.0);
        assertThat(metrics.value("chassis.outbox.published", RELAY)).isZero();
    }

    @Test
    void countsPublishedAndParkedMessagesAndEmptiesTheBacklog() {
        // given
        bus.refuseWhen(e -> e.dataText().equals("poison"));
        relay.start();

        // when
        outbox.add("order.placed", envelope("a"));
        outbox.add("order.placed", envelope("poison"));
        outbox.add("order.placed", envelope("b"));

        // then
        await().atMost(Duration.ofSeconds(10)).until(() -> metrics.value("chassis.outbox.parked", RELAY) == 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> metrics.value("chassis.outbox.published", RELAY) == 2);
        assertThat(metrics.value("chassis.outbox.backlog", RELAY)).isZero();
        assertThat(metrics.value("chassis.outbox.lag", RELAY)).isZero();
    }

    @Test
    void stopsReportingOnceClosed() {
        // given
        outbox.add("order.placed", envelope("a"));
        assertThat(metrics.points("chassis.outbox.backlog")).hasSize(1);

        // when
        relay.close();

        // then
        assertThat(metrics.points("chassis.outbox.backlog")).isEmpty();
    }

    private static Envelope envelope(String text) {
        return Envelope.builder().type("order.placed").source("/orders")
                .data("text/plain", text.getBytes(StandardCharsets.UTF_8)).build();
    }
}
