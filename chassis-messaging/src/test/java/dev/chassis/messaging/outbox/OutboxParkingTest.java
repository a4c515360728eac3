package dev.chassis.messaging.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.chassis.core.NonRetryableException;
import dev.chassis.core.admin.AdminRequest;
import dev.chassis.core.admin.AdminResponse;
import dev.chassis.core.bus.PublishException;
import dev.chassis.core.envelope.Envelope;
import dev.chassis.core.outbox.ParkedMessage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Poison rows on the in-memory outbox: refusals are counted and park a row, transient failures never do. */
class OutboxParkingTest {
    private final InMemoryOutbox outbox = InMemoryOutbox.create();
    private final RecordingBus bus = new RecordingBus();
    private final OutboxRelay relay = OutboxRelay.builder()
            .outbox(outbox)
            .eventBus(bus)
            .pollInterval(Duration.ofMillis(50))
            .backoff(Duration.ofMillis(10), Duration.ofMillis(40))
            .maxAttempts(3)
            .build();

    @AfterEach
    void tearDown() {
        relay.close();
        bus.close();
    }

    @Test
    void parksARowTheBusKeepsRefusingAndLetsTheLaterRowsOfItsKeyGo() throws Exception {
        // given
        bus.refuseWhen(e -> e.dataText().equals("A1"));
        relay.start();

        // when
        for (String text : List.of("A1", "B1", "A2", "B2")) {
            outbox.add("order.placed", text.substring(0, 1), envelope(text));
        }

        // then
        await().untilAsserted(() -> assertThat(bus.deliveredTexts()).containsExactlyInAnyOrder("B1", "B2", "A2"));
        List<String> texts = bus.deliveredTexts();
        assertThat(texts.indexOf("B1")).as("key B is not held up by A1's refusals").isLessThan(texts.indexOf("A2"));
        assertThat(relay.parkedCount()).isEqualTo(1);
        ParkedMessage parked = relay.parked(10).get(0);
        assertThat(parked.record().message().envelope().dataText()).isEqualTo("A1");
        assertThat(parked.attempts()).isEqualTo(3);
        assertThat(parked.lastError()).contains("UNROUTABLE");
        assertThat(relay.backlog()).isZero();
        assertThat(status()).contains("\"parked\":1", "\"oldestParked\":{\"id\":" + parked.record().id(),
                "\"attempts\":3");
    }

    @Test
    void republishesParkedRowsWhenRequeuedThroughTheAdminRoute() throws Exception {
        // given
        bus.refuseWhen(e -> e.dataText().equals("poison"));
        relay.start();
        outbox.add("order.placed", "k", envelope("poison"));
        await().until(() -> relay.parkedCount() == 1);
        bus.heal();

        // when
        AdminResponse requeue = relay.adminRoutes().get(1).handler()
                .handle(new AdminRequest("POST", "/chassis/outbox/retry-parked", Map.of(), Map.of(), new byte[0]));

        // then
        assertThat(requeue.bodyText()).isEqualTo("{\"requeued\":1}");
        await().untilAsserted(() -> assertThat(bus.deliveredTexts()).containsExactly("poison"));
        await().until(() -> relay.backlog() == 0);
        assertThat(relay.parkedCount()).isZero();
        assertThat(status()).contains("\"parked\":0").doesNotContain("oldestParked");
    }

    @Test
    void neverParksARowForFailuresThatWouldHitAnyMessage() throws Exception {
        // given
        bus.failWhen(e -> true);
        relay.start();

        // when
        outbox.add("order.placed", "k", envelope("a"));
        await().until(() -> failures() >= 6);

        // then
        assertThat(relay.parkedCount()).isZero();
        assertThat(relay.backlog()).isEqualTo(1);
        bus.heal();
        await().untilAsserted(() -> assertThat(bus.deliveredTexts()).containsExactly("a"));
        System.out.printf("[outbox transient-never-parks] failures=%d parked=%d delivered=%d%n", failures(),
                relay.parkedCount(), bus.delivered().size());
    }

    @Test
    void tellsRefusalsOfOneMessageFromFailuresOfTheBroker() {
        assertThat(List.of(PublishException.Reason.values()).stream()
                .filter(r -> Refusals.isRefusal(new PublishException(r, "t", "id", "", null)))
                .collect(Collectors.toList()))
                .containsExactly(PublishException.Reason.UNROUTABLE, PublishException.Reason.NACKED);
        assertThat(Refusals.isRefusal(new NonRetryableException("invalid message"))).isTrue();
        assertThat(Refusals.isRefusal(new IllegalStateException("bus closed"))).isFalse();
        assertThatThrownBy(() -> OutboxRelay.builder().maxAttempts(0)).hasMessageContaining("maxAttempts");
    }

    private String status() throws Exception {
        return relay.adminRoutes().get(0).handler()
                .handle(new AdminRequest("GET", "/chassis/outbox", Map.of(), Map.of(), new byte[0])).bodyText();
    }

    private long failures() throws Exception {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"publishFailures\":(\\d+)").matcher(status());
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    private static Envelope envelope(String text) {
        return Envelope.builder().type("order.placed").source("/orders")
                .data("text/plain", text.getBytes(StandardCharsets.UTF_8)).build();
    }
}
