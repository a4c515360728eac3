package dev.chassis.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.chassis.core.RetryableException;
import dev.chassis.core.admin.AdminServer;
import dev.chassis.core.bus.RetryPolicy;
import dev.chassis.core.bus.Subscription;
import dev.chassis.core.envelope.Envelope;
import dev.chassis.core.resilience.CircuitBreaker;
import dev.chassis.core.resilience.CircuitBreakerConfig;
import dev.chassis.core.resilience.CircuitBreakerRegistry;
import dev.chassis.core.resilience.CircuitOpenException;
import dev.chassis.core.resilience.Resilience;
import dev.chassis.messaging.InMemoryEventBus;
import dev.chassis.messaging.outbox.InMemoryOutbox;
import dev.chassis.messaging.outbox.OutboxRelay;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code /metrics} scraped over HTTP from a real admin server, with a bus, an outbox relay and breakers behind it. */
class MetricsRouteTest {
    private static final Map<String, String> PROCESS_BILLING = Map.of("messaging_destination_subscription_name", "billing");
    private static final Map<String, String> PUBLISH = Map.of("messaging_system", "in_memory",
            "messaging_destination_name", "order.placed", "messaging_operation_name", "publish");

    private final Telemetry telemetry = Telemetry.fromSettings(Map.of(
            "OTEL_SERVICE_NAME", "orders", "OTEL_TRACES_EXPORTER", "none"));
    private final InMemoryEventBus bus = InMemoryEventBus.create(b -> b.openTelemetry(telemetry.openTelemetry()));
    private final CircuitBreakerRegistry breakers = CircuitBreakerRegistry.builder()
            .openTelemetry(telemetry.openTelemetry()).build();
    private final InMemoryOutbox outbox = InMemoryOutbox.create();
    private final OutboxRelay relay = OutboxRelay.builder().name("orders").outbox(outbox).eventBus(bus)
            .pollInterval(Duration.ofMillis(50)).openTelemetry(telemetry.openTelemetry()).build();
    private final AdminServer admin = AdminServer.builder().host("127.0.0.1").port(0)
            .route(telemetry.metricsRoute()).build().start();
    private final HttpClient client = HttpClient.newHttpClient();

    @AfterEach
    void tearDown() {
        admin.close();
        relay.close();
        bus.close();
        telemetry.close();
    }

    private HttpResponse<String> scrape() throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin.port() + "/metrics"))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private PrometheusTextParser.Exposition parsedScrape() throws Exception {
        HttpResponse<String> response = scrape();
        assertThat(response.statusCode()).isEqualTo(200);
        return PrometheusTextParser.parse(response.body());
    }

    @Test
    void servesPrometheusTextWhoseCountersMoveBetweenScrapes() throws Exception {
        // given
        RetryPolicy once = RetryPolicy.builder().maxAttempts(1).build();
        bus.subscribe(Subscription.builder("billing").topic("order.placed").retry(once).handler(d -> {
            if (d.envelope().dataText().equals("bad")) {
                throw new RetryableException("ledger down");
            }
        }).build());
        relay.start();
        publish("a");
        outbox.add("order.placed", envelope("from-outbox"));
        await().atMost(Duration.ofSeconds(10)).until(() -> consumed(parsedScrape()) == 2);

        // when
        HttpResponse<String> first = scrape();
        publish("b");
        publish("bad");
        CircuitBreaker payments = breakers.circuitBreaker("payments",
                CircuitBreakerConfig.builder().minimumCalls(1).slidingWindowSize(1).build());
        Resilience charge = Resilience.builder("payments").circuitBreaker(payments).build();
        String declined = charge.call(() -> {
            throw new IllegalStateException("gateway down");
        }, failure -> "declined");
        assertThat(declined).isEqualTo("declined");
        assertThatThrownBy(() -> charge.call(() -> "paid")).isInstanceOf(CircuitOpenException.class);
        await().atMost(Duration.ofSeconds(10)).until(() -> consumed(parsedScrape()) == 4);
        HttpResponse<String> second = scrape();

        // then
        assertThat(first.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
        PrometheusTextParser.Exposition before = PrometheusTextParser.parse(first.body());
        PrometheusTextParser.Exposition after = PrometheusTextParser.parse(second.body());
        assertThat(after.types()).containsEntry("messaging_client_sent_messages_total", "counter")
                .containsEntry("messaging_client_operation_duration_seconds", "histogram")
                .containsEntry("messaging_process_duration_seconds", "histogram")
                .containsEntry("chassis_circuit_breaker_state", "gauge")
                .containsEntry("chassis_outbox_backlog", "gauge")
                .containsEntry("chassis_outbox_lag_seconds", "gauge")
                .containsEntry("chassis_outbox_published_total", "counter");
        assertThat(before.value("messaging_client_sent_messages_total", PUBLISH)).isEqualTo(2);
        assertThat(after.value("messaging_client_sent_messages_total", PUBLISH)).isEqualTo(4);
        assertThat(after.sum("messaging_process_duration_seconds_count", PROCESS_BILLING)).isEqualTo(4);
        assertThat(after.value("messaging_process_duration_seconds_count", Map.of(
                "messaging_destination_subscription_name", "billing", "error_type", RetryableException.class.getName())))
                .isEqualTo(1);
        assertThat(after.value("chassis_messaging_dead_letters_total", PROCESS_BILLING)).isEqualTo(1);
        assertThat(before.value("chassis_outbox_published_total", Map.of("chassis_outbox_name", "orders"))).isEqualTo(1);
        assertThat(after.value("chassis_outbox_backlog", Map.of("chassis_outbox_name", "orders"))).isZero();
        assertThat(after.value("chassis_circuit_breaker_state",
                Map.of("chassis_circuit_breaker_name", "payments", "chassis_circuit_breaker_state", "open"))).isEqualTo(1);
        assertThat(after.value("chassis_circuit_breaker_rejections_total",
                Map.of("chassis_circuit_breaker_name", "payments"))).isEqualTo(1);
        assertThat(after.value("target_info", Map.of("service_name", "orders"))).isEqualTo(1);
    }

    @Test
    void answersAnEmptyExpositionWhenMetricsAreTurnedOff() throws Exception {
        // given
        try (Telemetry off = Telemetry.fromSettings(Map.of("OTEL_TRACES_EXPORTER", "none", "OTEL_METRICS_EXPORTER", "none"));
             AdminServer server = AdminServer.builder().host("127.0.0.1").port(0).route(off.metricsRoute()).build().start()) {
            off.meter("test").counterBuilder("ignored").build().add(1);

            // when
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.port() + "/metrics")).GET().build(),
                    HttpResponse.BodyHandlers.ofString());

            // then
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEmpty();
        }
    }

    /** Messages the billing handler received, successful or not, as the scrape shows them. */
    private static double consumed(PrometheusTextParser.Exposition exposition) {
        return exposition.sum("messaging_client_consumed_messages_total", PROCESS_BILLING);
    }

    private void publish(String text) {
        bus.publish("order.placed", envelope(text)).toCompletableFuture().join();
    }

    private static Envelope envelope(String text) {
        return Envelope.builder().type("order.placed").source("/orders")
                .data("text/plain", text.getBytes(StandardCharsets.UTF_8)).build();
    }
}
