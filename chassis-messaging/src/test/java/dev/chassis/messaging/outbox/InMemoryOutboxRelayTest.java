package dev.chassis.messaging.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.chassis.core.admin.AdminRequest;
import dev.chassis.core.admin.AdminResponse;
import dev.chassis.core.context.CorrelationContext;
import dev.chassis.core.context.CorrelationScope;
import dev.chassis.core.envelope.Envelope;
import dev.chassis.testkit.time.TestClock;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Scope;
import dev.chassis.core.health.HealthResult;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class InMemoryOutboxRelayTest {
    private final TestClock clock = TestClock.at("2026-01-01T10:00:00Z");
    private final InMemoryOutbox outbox = InMemoryOutbox.create(clock);
    private final RecordingBus bus = new RecordingBus();
    private final OutboxRelay relay = OutboxRelay.builder()
            .outbox(outbox)
            .eventBus(bus)
            .pollInterval(Duration.ofMillis(50))
            .backoff(Duration.ofMillis(10), Duration.ofMillis(40))
            .clock(clock)
            .build();

    @AfterEach
    void tearDown() {
        relay.close();
        bus.close();
    }

    @Test
    void publishesAddedMessagesAndMarksThemSent() {
        // given
        relay.start();

        // when
        outbox.add("order.placed", "o-1", envelope("a"));
        outbox.add("order.placed", envelope("b"));

        // then
        await().untilAsserted(() -> assertThat(bus.deliveredTexts()).containsExactly("a", "b"));
        await().until(() -> relay.backlog() == 0);
        assertThat(relay.published()).isEqualTo(2);
        assertThat(relay.isLeader()).isTrue();
    }

    @Test
    void keepsAMessageUnsentWhileItsPublishFailsAndSendsItOnceItSucceeds() {
        // given
        bus.failWhen(e -> true);
        relay.start();

        // when
        outbox.add("order.placed", envelope("a"));
        await().until(() -> failures() >= 2);

        // then
        assertThat(relay.backlog()).isEqualTo(1);
        assertThat(bus.delivered()).isEmpty();
        bus.heal();
        await().untilAsserted(() -> assertThat(bus.deliveredTexts()).containsExactly("a"));
        await().until(() -> relay.backlog() == 0);
    }

    @Test
    void keepsTheOrderPerKeyWhileOtherKeysGoOn() {
        // given
        AtomicInteger a2Attempts = new AtomicInteger();
        bus.failWhen(e -> e.dataText().equals("A2") && a2Attempts.incrementAndGet() <= 3);

        // when
        for (String text : List.of("A1", "B1", "A2", "B2", "A3", "B3")) {
            outbox.add("order.placed", text.substring(0, 1), envelope(text));
        }
        relay.start();

        // then
        await().untilAsserted(() -> assertThat(bus.delivered()).hasSize(6));
        List<String> texts = bus.deliveredTexts();
        assertThat(texts.stream().filter(t -> t.startsWith("A")).collect(Collectors.toList()))
                .containsExactly("A1", "A2", "A3");
        assertThat(texts.stream().filter(t -> t.startsWith("B")).collect(Collectors.toList()))
                .containsExactly("B1", "B2", "B3");
        assertThat(texts.indexOf("B3")).as("key B is not held up by A's failures").isLessThan(texts.indexOf("A2"));
        assertThat(a2Attempts).hasValueGreaterThan(3);
    }

    @Test
    void publishesNoMoreThanMaxInFlightWhileConfirmsAreOutstanding() {
        // given
        bus.hold();
        OutboxRelay limited = OutboxRelay.builder().name("limited").outbox(outbox).eventBus(bus)
                .pollInterval(Duration.ofMillis(50)).maxInFlight(3).build();
        try {
            limited.start();

            // when
            for (int i = 0; i < 10; i++) {
                outbox.add("order.placed", envelope("m" + i));
            }

            // then
            await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(() -> bus.heldCount() == 3);
            bus.release();
            await().untilAsserted(() -> assertThat(bus.deliveredTexts()).hasSize(10).doesNotHaveDuplicates());
            await().until(() -> limited.backlog() == 0);
            assertThatThrownBy(() -> OutboxRelay.builder().maxInFlight(0)).hasMessageContaining("maxInFlight");
        } finally {
            limited.close();
        }
    }

    @Test
    void reportsBacklogAgeOnTheAdminRouteAndGoesNotReadyPastTheThreshold() throws Exception {
        // given
        bus.failWhen(e -> true);
        relay.start();
        outbox.add("order.placed", envelope("stuck"));
        var ready = relay.readinessCheck(Duration.ofMinutes(5));
        assertThat(ready.probe().check().isUp()).isTrue();

        // when
        clock.advance(Duration.ofMinutes(6));
        HealthResult result = ready.probe().check();
        AdminResponse admin = relay.adminRoutes().get(0).handler()
                .handle(new AdminRequest("GET", "/chassis/outbox", Map.of(), Map.of(), new byte[0]));

        // then
        assertThat(result.isUp()).isFalse();
        assertThat(result.details()).containsEntry("backlog", 1L).containsEntry("oldestUnsentAgeMs", 360_000L);
        assertThat(relay.oldestUnsentAge()).contains(Duration.ofMinutes(6));
        assertThat(admin.status()).isEqualTo(200);
        assertThat(admin.bodyText()).contains("\"backlog\":1", "\"oldestUnsentAgeMs\":360000", "\"leader\":true",
                "BROKER_UNAVAILABLE");
    }

    @Test
    void carriesTheWritersCorrelationAndTraceContextToThePublishedMessage() {
        // given
        relay.start();
        CorrelationContext flow = CorrelationContext.generate();
        SpanContext span = SpanContext.create("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7",
                TraceFlags.getSampled(), TraceState.getDefault());

        // when
        try (CorrelationScope c = flow.makeCurrent(); Scope s = Span.wrap(span).makeCurrent()) {
            outbox.add("order.placed", envelope("a"));
        }

        // then
        await().untilAsserted(() -> assertThat(bus.delivered()).hasSize(1));
        Envelope published = bus.delivered().get(0);
        assertThat(published.correlationId()).contains(flow.correlationId());
        assertThat(published.traceparent()).contains("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
    }

    @Test
    void cannotBeRestartedAfterClose() {
        relay.start();
        relay.close();
        assertThatThrownBy(relay::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThat(relay.isLeader()).isFalse();
    }

    @Test
    void checksItsConfigurationNamingWhatToFix() {
        assertThatThrownBy(() -> OutboxRelay.builder().eventBus(bus).build())
                .hasMessageContaining("dataSource").hasMessageContaining("outbox");
        assertThatThrownBy(() -> OutboxRelay.builder().outbox(outbox).build()).hasMessageContaining("eventBus");
        assertThatThrownBy(() -> OutboxRelay.builder().batchSize(0)).hasMessageContaining("batchSize");
        assertThatThrownBy(() -> OutboxRelay.builder().pollInterval(Duration.ZERO)).hasMessageContaining("pollInterval");
        assertThatThrownBy(() -> OutboxSchema.of("Bad-Name")).hasMessageContaining("schema");
        assertThatThrownBy(() -> outbox.add("order.*", envelope("wildcard"))).isInstanceOf(IllegalArgumentException.class);
        assertThat(outbox.store().backlog()).isZero();
    }

    private long failures() throws Exception {
        String body = relay.adminRoutes().get(0).handler()
                .handle(new AdminRequest("GET", "/chassis/outbox", Map.of(), Map.of(), new byte[0])).bodyText();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"publishFailures\":(\\d+)").matcher(body);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    private static Envelope envelope(String text) {
        return Envelope.builder().type("order.placed").source("/orders")
                .data("text/plain", text.getBytes(StandardCharsets.UTF_8)).build();
    }
}
