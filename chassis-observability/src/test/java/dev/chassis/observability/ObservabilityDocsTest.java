package dev.chassis.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.chassis.core.admin.AdminServer;
import dev.chassis.core.bus.Subscription;
import dev.chassis.core.context.CorrelationContext;
import dev.chassis.core.context.CorrelationScope;
import dev.chassis.core.envelope.Envelope;
import dev.chassis.core.resilience.CircuitBreakerRegistry;
import dev.chassis.messaging.InMemoryEventBus;
import dev.chassis.messaging.outbox.InMemoryOutbox;
import dev.chassis.messaging.outbox.OutboxRelay;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Tracer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs the samples of docs/observability.md. */
@SuppressWarnings("try") // scopes are held for their effect
class ObservabilityDocsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @AfterEach
    void restoreLogging() {
        JsonLogging.builder().service("tests").install();
    }

    @Test
    void telemetryFromEnvironment() {
        Telemetry telemetry = Telemetry.fromEnvironment();
        Tracer tracer = telemetry.tracer("orders");

        // no span here: with nothing listening on the OTLP port its export would only be retried
        assertThat(tracer).isNotNull();
        telemetry.close();
        assertThat(telemetry.serviceName()).isNotBlank();
    }

    @Test
    void metricsWiring() throws Exception {
        Telemetry telemetry = Telemetry.fromSettings(Map.of("OTEL_SERVICE_NAME", "orders", "OTEL_TRACES_EXPORTER", "none"));
        InMemoryOutbox outbox = InMemoryOutbox.create();
        OpenTelemetry openTelemetry = telemetry.openTelemetry();
        InMemoryEventBus bus = InMemoryEventBus.create(b -> b.openTelemetry(openTelemetry));
        CircuitBreakerRegistry breakers = CircuitBreakerRegistry.builder().openTelemetry(openTelemetry).build();
        OutboxRelay relay = OutboxRelay.builder()
                .outbox(outbox)
                .eventBus(bus)
                .openTelemetry(openTelemetry)
                .build();
        AdminServer admin = AdminServer.builder()
                .port(0)
                .route(telemetry.metricsRoute())
                .build()
                .start();
        try {
            breakers.circuitBreaker("payments");
            bus.subscribe(Subscription.builder("billing").topic("order.placed")
                    .handler(d -> { }).build());
            bus.publish("order.placed", Envelope.builder().type("order.placed").source("/orders")
                    .data("text/plain", "o-1".getBytes(StandardCharsets.UTF_8)).build()).toCompletableFuture().join();

            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + admin.port() + "/metrics")).GET().build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(response.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
            PrometheusTextParser.Exposition metrics = PrometheusTextParser.parse(response.body());
            assertThat(metrics.value("messaging_client_sent_messages_total", Map.of("messaging_system", "in_memory")))
                    .isEqualTo(1);
            assertThat(metrics.value("chassis_circuit_breaker_state", Map.of("chassis_circuit_breaker_state", "closed")))
                    .isEqualTo(1);
            assertThat(metrics.value("chassis_outbox_backlog", Map.of("chassis_outbox_name", "outbox"))).isZero();
            String documented = block(Files.readString(Path.of("..", "docs", "observability.md")), "text",
                    "messaging_client_sent_messages_total");
            assertThat(PrometheusTextParser.parse(documented).types())
                    .containsEntry("messaging_client_sent_messages_total", "counter");
        } finally {
            admin.close();
            relay.close();
            bus.close();
            telemetry.close();
        }
    }

    @Test
    void telemetryBuilder() {
        Telemetry telemetry = Telemetry.builder()
                .settings(System.getenv())
                .serviceName("orders")
                .resourceAttribute("deployment.environment.name", "staging")
                .build();

        assertThat(telemetry.serviceName()).isEqualTo("orders");
        telemetry.close();
    }

    @Test
    void telemetryFromSettings() {
        Telemetry telemetry = Telemetry.fromSettings(Map.of(
                "OTEL_SERVICE_NAME", "orders",
                "OTEL_TRACES_EXPORTER", "logging",
                "OTEL_TRACES_SAMPLER", "parentbased_traceidratio",
                "OTEL_TRACES_SAMPLER_ARG", "0.25"));

        assertThat(telemetry.isEnabled()).isTrue();
        telemetry.close();
        assertThat(telemetry.shutdown(Duration.ofSeconds(1))).isTrue();
    }

    @Test
    void httpFilterAndJsonLogsCarryTheCorrelationIdAndTrace() throws Exception {
        RecordingSpanExporter exporter = new RecordingSpanExporter();
        Telemetry telemetry = Telemetry.builder()
                .settings(Map.of("OTEL_SERVICE_NAME", "orders", "OTEL_TRACES_EXPORTER", "none"))
                .spanExporter(exporter)
                .build();
        JsonLogging.builder().service("orders").install();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        JsonLogging.builder().service("orders").output(out).install();

        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        HttpContext orders = server.createContext("/orders", new OrdersHandler());
        orders.getFilters().add(CorrelationHttpFilter.builder(telemetry.openTelemetry())
                .pathTemplate("/orders/{id}")
                .build());
        server.start();
        try {
            // when
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/orders/42"))
                    .header("x-correlation-id", "order-flow-1")
                    .header("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
                    .build(), HttpResponse.BodyHandlers.ofString());

            // then
            assertThat(response.headers().firstValue("x-correlation-id")).contains("order-flow-1");
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {  // the span ends after the answer
                assertThat(telemetry.flush(Duration.ofSeconds(5))).isTrue();
                assertThat(exporter.spans()).hasSize(1);
            });
            telemetry.close();
            JsonNode line = linesOf(out, "orders.OrdersHandler").get(0);
            assertThat(line.get("message").asText()).isEqualTo("order 42 requested");
            assertThat(line.get("correlationId").asText()).isEqualTo("order-flow-1");
            assertThat(line.get("traceId").asText()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
            assertThat(line.get("spanId").asText()).isEqualTo(exporter.spans().get(0).getSpanId());
            assertThat(exporter.spans().get(0).getName()).isEqualTo("GET /orders/{id}");
        } finally {
            server.stop(0);
        }
    }

    @Test
    void logbackXmlOfTheGuideWritesJsonWithTheIds() throws Exception {
        // given the XML sample of the guide
        String xml = block(Files.readString(Path.of("..", "docs", "observability.md")), "xml", "turboFilter");
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        PrintStream original = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            context.reset();
            JoranConfigurator configurator = new JoranConfigurator();
            configurator.setContext(context);
            configurator.doConfigure(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));

            // when
            try (CorrelationScope scope = CorrelationContext.of("xml-flow").makeCurrent()) {
                LoggerFactory.getLogger("orders.Xml").info("configured from XML");
            }
        } finally {
            System.setOut(original);
        }

        // then
        JsonNode line = linesOf(out, "orders.Xml").get(0);
        assertThat(line.get("service").asText()).isEqualTo("orders");
        assertThat(line.get("correlationId").asText()).isEqualTo("xml-flow");
    }

    @Test
    void jsonLoggingInstall() {
        JsonLogging.builder().service("orders").install();

        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        assertThat(context.getTurboFilterList()).hasAtLeastOneElementOfType(CorrelationMdc.class);
        assertThat(context.getLogger("ROOT").getAppender("json-console")).isNotNull();
    }

    /** The handler of the filter sample: logs and answers 200. */
    static final class OrdersHandler implements HttpHandler {
        private static final Logger log = LoggerFactory.getLogger("orders.OrdersHandler");

        @Override
        public void handle(HttpExchange exchange) throws IOException {
            String path = exchange.getRequestURI().getPath();
            log.info("order {} requested", path.substring(path.lastIndexOf('/') + 1));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        }
    }

    private static List<JsonNode> linesOf(ByteArrayOutputStream out, String logger) throws IOException {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
            JsonNode node = JSON.readTree(line);
            if (node.get("logger").asText().equals(logger)) {
                lines.add(node);
            }
        }
        return lines;
    }

    private static String block(String markdown, String language, String containing) {
        Matcher m = Pattern.compile("```" + language + "\\n(.*?)```", Pattern.DOTALL).matcher(markdown);
        while (m.find()) {
            if (m.group(1).contains(containing)) {
                return m.group(1);
            }
        }
        throw new AssertionError("no " + language + " block containing " + containing);
    }
}
