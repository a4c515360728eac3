package dev.chassis.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpServer;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.chassis.core.bus.RetryPolicy;
import dev.chassis.core.bus.Subscription;
import dev.chassis.core.context.CorrelationContext;
import dev.chassis.core.envelope.Envelope;
import dev.chassis.core.jdbc.TxRunner;
import dev.chassis.discovery.HealthCheckSpec;
import dev.chassis.discovery.InMemoryServiceRegistry;
import dev.chassis.discovery.Registration;
import dev.chassis.discovery.ServiceInstance;
import dev.chassis.discovery.client.ServiceClient;
import dev.chassis.messaging.RabbitEventBus;
import dev.chassis.messaging.outbox.Outbox;
import dev.chassis.messaging.outbox.OutboxRelay;
import dev.chassis.messaging.outbox.OutboxSchema;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One business action across two services, on the real broker and database: an HTTP request to the
 * orders service, whose handler writes the order and an outbox message in one transaction; the relay
 * publishes it to RabbitMQ; the shipping consumer calls the shipping service over {@link ServiceClient}.
 * Every span lands in one trace with the right parents, and every log line carries the request's
 * correlation id.
 */
@SuppressWarnings("try") // scopes are held for their effect
class EndToEndTraceIT {
    private static final String RABBIT = System.getProperty("chassis.rabbit.uri", "amqp://guest:guest@127.0.0.1:5672/%2F");
    private static final String PG_URL = System.getProperty("chassis.pg.url", "jdbc:postgresql://127.0.0.1:5432/test");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Logger log = LoggerFactory.getLogger("shop.EndToEnd");

    private final String id = UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    private final String exchange = "it." + id + ".events";
    private final String queue = "it." + id + ".shipping";
    private final OutboxSchema schema = OutboxSchema.of("e2e_" + id);
    private final InMemoryTracing tracing = new InMemoryTracing();
    private final InMemorySpanExporter spans = tracing.spans;
    private final OpenTelemetrySdk otel = tracing.sdk;
    private final ByteArrayOutputStream logs = new ByteArrayOutputStream();
    private final Map<String, String> seen = new ConcurrentHashMap<>();
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private HikariDataSource dataSource;
    private HttpServer orders;
    private HttpServer shipping;
    private ExecutorService workers;

    @BeforeEach
    void startServices() throws Exception {
        JsonLogging.builder().service("shop").output(logs).install();
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(PG_URL);
        config.setUsername(System.getProperty("chassis.pg.user", "postgres"));
        config.setMaximumPoolSize(4);
        dataSource = new HikariDataSource(config);
        schema.create(dataSource);
        try (var c = dataSource.getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE " + schema.schema() + ".orders (id text PRIMARY KEY)");
        }
        workers = Executors.newFixedThreadPool(4);

        // shipping: a plain service behind the filter
        shipping = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        HttpContext shipments = shipping.createContext("/shipments", exchange -> {
            seen.put("shipping.correlationId", currentCorrelationId());
            log.info("shipment scheduled for {}", exchange.getRequestURI().getPath());
            exchange.sendResponseHeaders(201, -1);
            exchange.close();
        });
        shipments.getFilters().add(CorrelationHttpFilter.builder(otel).pathTemplate("/shipments/{id}").build());
        shipping.setExecutor(workers);
        shipping.start();
        InMemoryServiceRegistry registry = InMemoryServiceRegistry.create();
        closeables.add(registry);
        registry.register(new Registration(ServiceInstance.of("shipping", "shipping-1", "127.0.0.1",
                shipping.getAddress().getPort()), HealthCheckSpec.none()));
        ServiceClient client = ServiceClient.builder(registry).openTelemetry(otel).build();

        // the broker side: relay and the shipping consumer
        RabbitEventBus bus = RabbitEventBus.builder().uri(RABBIT).exchange(exchange).connectionName("it-e2e-" + id)
                .publishConfirmTimeout(Duration.ofSeconds(5)).openTelemetry(otel).build();
        closeables.add(bus);
        bus.subscribe(Subscription.builder(queue).topic("order.placed").retry(RetryPolicy.none()).handler(d -> {
            seen.put("consumer.correlationId", currentCorrelationId());
            log.info("order {} placed; scheduling its shipment", d.envelope().subject().orElse("?"));
            HttpResponse<Void> response = client.send(HttpRequest.newBuilder(
                    URI.create("http://shipping/shipments/" + d.envelope().subject().orElseThrow()))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
            seen.put("consumer.shippingStatus", Integer.toString(response.statusCode()));
        }).build());
        OutboxRelay relay = OutboxRelay.builder().dataSource(dataSource).schema(schema).eventBus(bus)
                .pollInterval(Duration.ofMillis(200)).build();
        closeables.add(relay);
        relay.start();

        // orders: the command handler writes the order and its event in one transaction
        Outbox outbox = Outbox.create(b -> b.schema(schema));
        orders = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        HttpContext placeOrder = orders.createContext("/orders", exchange -> {
            String orderId = exchange.getRequestURI().getPath().substring("/orders/".length());
            Span handler = otel.getTracer("shop.orders").spanBuilder("place order").startSpan();
            try (Scope scope = handler.makeCurrent()) {
                seen.put("orders.correlationId", currentCorrelationId());
                log.info("placing order {}", orderId);
                TxRunner.of(dataSource).inTransaction(tx -> {
                    try (PreparedStatement ps = tx.prepareStatement("INSERT INTO " + schema.schema() + ".orders VALUES (?)")) {
                        ps.setString(1, orderId);
                        ps.executeUpdate();
                    }
                    outbox.add(tx, "order.placed", orderId, Envelope.builder().source("/orders").type("order.placed")
                            .subject(orderId).data("application/json", "{}".getBytes(StandardCharsets.UTF_8)).build());
                    return null;
                });
            } finally {
                handler.end();
            }
            exchange.sendResponseHeaders(202, -1);
            exchange.close();
        });
        placeOrder.getFilters().add(CorrelationHttpFilter.builder(otel).pathTemplate("/orders/{id}").build());
        orders.setExecutor(workers);
        orders.start();
    }

    @AfterEach
    void stopServices() throws Exception {
        orders.stop(0);
        shipping.stop(0);
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
        workers.shutdownNow();
        try (var c = dataSource.getConnection(); Statement st = c.createStatement()) {
            st.execute("DROP SCHEMA IF EXISTS " + schema.schema() + " CASCADE");
        }
        dataSource.close();
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri(RABBIT);
        try (Connection admin = factory.newConnection("it-e2e-admin-" + id)) {
            for (String q : List.of(queue, queue + ".dlq")) {
                try (Channel ch = admin.createChannel()) {
                    ch.queueDelete(q);
                }
            }
            for (String x : List.of(queue + ".dlx", exchange)) {
                try (Channel ch = admin.createChannel()) {
                    ch.exchangeDelete(x);
                }
            }
        }
        otel.close();
        JsonLogging.builder().service("tests").install();
    }

    @Test
    void oneTraceAndOneCorrelationIdSpanTheRequestTheOutboxTheBrokerAndTheCallToAnotherService() throws Exception {
        // given
        String correlationId = "checkout-" + id;

        // when
        HttpResponse<Void> accepted = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + orders.getAddress().getPort() + "/orders/o-" + id))
                .header("x-correlation-id", correlationId)
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());

        // then
        assertThat(accepted.statusCode()).isEqualTo(202);
        assertThat(accepted.headers().firstValue("x-correlation-id")).hasValue(correlationId);
        SpanData shippingServer = await().atMost(Duration.ofSeconds(30))
                .until(() -> find(SpanKind.SERVER, "POST /shipments/{id}"), s -> s != null);
        SpanData ordersServer = find(SpanKind.SERVER, "POST /orders/{id}");
        SpanData handler = find(SpanKind.INTERNAL, "place order");
        SpanData publish = find(SpanKind.PRODUCER, "publish order.placed");
        SpanData process = find(SpanKind.CONSUMER, "process " + queue);
        SpanData call = find(SpanKind.INTERNAL, "POST");
        SpanData attempt = find(SpanKind.CLIENT, "POST");
        List<SpanData> chain = List.of(ordersServer, handler, publish, process, call, attempt, shippingServer);
        assertThat(chain).doesNotContainNull();
        assertThat(chain.stream().map(SpanData::getTraceId).collect(Collectors.toSet()))
                .containsExactly(ordersServer.getTraceId());
        assertThat(ordersServer.getParentSpanContext().isValid()).isFalse();
        assertThat(handler.getParentSpanId()).isEqualTo(ordersServer.getSpanId());
        assertThat(publish.getParentSpanId()).isEqualTo(handler.getSpanId());
        // the message keeps the context it was written in: the consumer is the handler's child
        assertThat(process.getParentSpanId()).isEqualTo(handler.getSpanId());
        assertThat(call.getParentSpanId()).isEqualTo(process.getSpanId());
        assertThat(attempt.getParentSpanId()).isEqualTo(call.getSpanId());
        assertThat(shippingServer.getParentSpanId()).isEqualTo(attempt.getSpanId());
        assertThat(seen).containsEntry("orders.correlationId", correlationId)
                .containsEntry("consumer.correlationId", correlationId)
                .containsEntry("shipping.correlationId", correlationId)
                .containsEntry("consumer.shippingStatus", "201");

        List<JsonNode> lines = logLines();
        Map<String, JsonNode> byMessage = lines.stream().filter(l -> l.get("logger").asText().equals("shop.EndToEnd"))
                .collect(Collectors.toMap(l -> l.get("message").asText().split(" ")[0], l -> l, (a, b) -> a));
        assertThat(byMessage.keySet()).containsExactlyInAnyOrder("placing", "order", "shipment");
        assertThat(byMessage.values()).allSatisfy(line -> {
            assertThat(line.get("correlationId").asText()).isEqualTo(correlationId);
            assertThat(line.get("traceId").asText()).isEqualTo(ordersServer.getTraceId());
            assertThat(line.get("service").asText()).isEqualTo("shop");
        });
        assertThat(byMessage.get("placing").get("spanId").asText()).isEqualTo(handler.getSpanId());
        assertThat(byMessage.get("order").get("spanId").asText()).isEqualTo(process.getSpanId());
        assertThat(byMessage.get("shipment").get("spanId").asText()).isEqualTo(shippingServer.getSpanId());
        System.out.printf("[e2e trace] spans=%d chain=%s logLines=%d%n", spans.getFinishedSpanItems().size(),
                chain.stream().map(SpanData::getName).toList(), lines.size());
    }

    private SpanData find(SpanKind kind, String name) {
        return spans.getFinishedSpanItems().stream().filter(s -> s.getKind() == kind && s.getName().equals(name))
                .findFirst().orElse(null);
    }

    /** Every line written so far, each parsed as one JSON object (a line that is not fails the test). */
    private List<JsonNode> logLines() throws Exception {
        List<JsonNode> parsed = new ArrayList<>();
        String text;
        synchronized (logs) {
            text = logs.toString(StandardCharsets.UTF_8);
        }
        for (String line : text.split("\n")) {
            if (!line.isEmpty()) {
                parsed.add(JSON.readTree(line));
            }
        }
        assertThat(parsed).isNotEmpty().allSatisfy(n -> assertThat(n.isObject()).isTrue());
        return parsed;
    }

    private static String currentCorrelationId() {
        return CorrelationContext.current().map(CorrelationContext::correlationId).orElse("none");
    }

}
