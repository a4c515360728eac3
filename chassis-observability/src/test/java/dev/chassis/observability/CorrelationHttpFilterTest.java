package dev.chassis.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpServer;
import dev.chassis.core.context.CorrelationContext;
import dev.chassis.core.context.CorrelationId;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CorrelationHttpFilterTest {
    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String PARENT_SPAN_ID = "00f067aa0ba902b7";

    private final RecordingSpanExporter exporter = new RecordingSpanExporter();
    private final AtomicReference<String> seenCorrelationId = new AtomicReference<>();
    private final AtomicReference<String> seenTraceId = new AtomicReference<>();
    private Telemetry telemetry;
    private HttpServer server;
    private ExecutorService workers;

    @BeforeEach
    void startServer() throws IOException {
        telemetry = Telemetry.builder()
                .settings(Map.of("OTEL_TRACES_EXPORTER", "none"))
                .spanExporter(exporter)
                .build();
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        HttpContext orders = server.createContext("/orders", exchange -> {
            String current = CorrelationContext.current().map(CorrelationContext::correlationId).orElse("none");
            seenCorrelationId.set(current);
            seenTraceId.set(Span.current().getSpanContext().getTraceId());
            String path = exchange.getRequestURI().getPath();
            if (path.endsWith("/boom")) {
                throw new IllegalStateException("handler failed");
            }
            byte[] body = current.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(path.endsWith("/fail") ? 503 : 200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        orders.getFilters().add(CorrelationHttpFilter.builder(telemetry.openTelemetry())
                .pathTemplate("/orders/{id}")
                .build());
        workers = Executors.newFixedThreadPool(4); // pooled threads: a leaked scope would show up
        server.setExecutor(workers);
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
        workers.shutdownNow();
        telemetry.close();
    }

    @Test
    void echoesValidCorrelationIdAndMakesItCurrent() throws IOException {
        // given / when
        Response response = get("/orders/42", Map.of("x-correlation-id", "orders:42-abc"));

        // then
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.header("x-correlation-id")).isEqualTo("orders:42-abc");
        assertThat(seenCorrelationId.get()).isEqualTo("orders:42-abc");
    }

    @Test
    void createsCorrelationIdWhenNoneIsSent() throws IOException {
        // given / when
        Response response = get("/orders/42", Map.of());

        // then
        assertThat(CorrelationId.isValid(response.header("x-correlation-id"))).isTrue();
        assertThat(seenCorrelationId.get()).isEqualTo(response.header("x-correlation-id"));
    }

    @Test
    void replacesHostileCorrelationIdsWithoutThrowing() throws IOException {
        // given: a folded header (CR/LF inside the value), ANSI escapes, a bell, an oversized value, a space
        List<String> hostile = List.of(
                "abc\r\n forged: line",
                "\u001b[31mred\u001b[0m",
                "id\u0007bell",
                "a".repeat(CorrelationId.MAX_LENGTH + 1),
                "x".repeat(10_000),
                "two words");
        int replaced = 0;

        for (String value : hostile) {
            // when
            Response response = get("/orders/42", Map.of("x-correlation-id", value));

            // then
            String echoed = response.header("x-correlation-id");
            assertThat(response.status()).isEqualTo(200);
            assertThat(CorrelationId.isValid(echoed)).isTrue();
            assertThat(echoed).isNotEqualTo(value).doesNotContain("forged", "red", "bell", "words");
            assertThat(seenCorrelationId.get()).isEqualTo(echoed);
            replaced++;
        }
        System.out.println("hostile=" + hostile.size() + " replaced=" + replaced + " thrown=0");
        assertThat(replaced).isEqualTo(hostile.size());
    }

    @Test
    void serverSpanIsChildOfInboundTraceparent() throws IOException {
        // given
        String traceparent = "00-" + TRACE_ID + "-" + PARENT_SPAN_ID + "-01";

        // when
        Response response = get("/orders/42", Map.of("traceparent", traceparent));

        // then
        assertThat(response.status()).isEqualTo(200);
        SpanData span = onlySpan();
        assertThat(span.getKind()).isEqualTo(SpanKind.SERVER);
        assertThat(span.getName()).isEqualTo("GET /orders/{id}");
        assertThat(span.getTraceId()).isEqualTo(TRACE_ID);
        assertThat(span.getParentSpanId()).isEqualTo(PARENT_SPAN_ID);
        assertThat(span.getParentSpanContext().isRemote()).isTrue();
        assertThat(span.getAttributes().get(AttributeKey.stringKey("http.request.method"))).isEqualTo("GET");
        assertThat(span.getAttributes().get(AttributeKey.stringKey("url.path"))).isEqualTo("/orders/42");
        assertThat(span.getAttributes().get(AttributeKey.stringKey("http.route"))).isEqualTo("/orders/{id}");
        assertThat(span.getAttributes().get(AttributeKey.longKey("http.response.status_code"))).isEqualTo(200L);
        assertThat(seenTraceId.get()).isEqualTo(TRACE_ID);
    }

    @Test
    void ignoresInvalidTraceparentAndStartsNewTrace() throws IOException {
        // given: bad hex, all-zero trace id, a wrong version, CR/LF junk
        List<String> invalid = List.of(
                "00-" + "zz".repeat(16) + "-" + PARENT_SPAN_ID + "-01",
                "00-" + "0".repeat(32) + "-" + PARENT_SPAN_ID + "-01",
                "ff-" + TRACE_ID + "-" + PARENT_SPAN_ID + "-01",
                "00-" + TRACE_ID + "\r\n x-" + PARENT_SPAN_ID,
                "garbage");

        for (String traceparent : invalid) {
            // when
            Response response = get("/orders/7", Map.of("traceparent", traceparent));

            // then
            assertThat(response.status()).isEqualTo(200);
        }
        awaitSpans(invalid.size());
        assertThat(exporter.spans()).allSatisfy(span -> {
            assertThat(span.getParentSpanContext().isValid()).isFalse();
            assertThat(span.getSpanContext().isValid()).isTrue();
            assertThat(span.getTraceId()).isNotEqualTo(TRACE_ID);
        });
    }

    @Test
    void namesSpanByPathWithoutTemplateAndMarksServerErrors() throws IOException {
        // given / when
        Response response = get("/orders/42/fail", Map.of());

        // then
        assertThat(response.status()).isEqualTo(503);
        SpanData span = onlySpan();
        assertThat(span.getName()).isEqualTo("GET /orders/42/fail");
        assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(span.getAttributes().get(AttributeKey.longKey("http.response.status_code"))).isEqualTo(503L);
    }

    @Test
    void unknownMethodIsRecordedAsOther() throws IOException {
        // given / when
        Response response = request("BREW", "/orders/42", Map.of());

        // then
        assertThat(response.status()).isEqualTo(200);
        SpanData span = onlySpan();
        assertThat(span.getName()).isEqualTo("HTTP /orders/{id}");
        assertThat(span.getAttributes().get(AttributeKey.stringKey("http.request.method"))).isEqualTo("_OTHER");
        assertThat(span.getAttributes().get(AttributeKey.stringKey("http.request.method_original"))).isEqualTo("BREW");
    }

    @Test
    void handlerExceptionMarksSpanAndPropagates() throws IOException {
        // given / when: the JDK server closes the connection when a handler throws
        assertThatThrownBy(() -> get("/orders/42/boom", Map.of())).isInstanceOf(IOException.class);

        // then
        SpanData span = onlySpan();
        assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(span.getEvents()).extracting(e -> e.getName()).contains("exception");
    }

    @Test
    void concurrentRequestsNeverSeeAnotherRequestsId() throws Exception {
        // given
        int clients = 8;
        int perClient = 50;
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        AtomicInteger mismatches = new AtomicInteger();
        List<Future<?>> done = new ArrayList<>();

        // when
        for (int c = 0; c < clients; c++) {
            int client = c;
            done.add(pool.submit(() -> {
                for (int i = 0; i < perClient; i++) {
                    String id = "client-" + client + "-req-" + i;
                    Response response = get("/orders/" + i, Map.of("x-correlation-id", id));
                    if (!id.equals(response.header("x-correlation-id")) || !id.equals(response.body())) {
                        mismatches.incrementAndGet();
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();

        // then
        awaitSpans(clients * perClient);
        System.out.println("clients=" + clients + " requests=" + clients * perClient
                + " spans=" + exporter.spans().size() + " mismatches=" + mismatches.get());
        assertThat(mismatches.get()).isZero();
    }

    @Test
    void withNoopTelemetryHandlesCorrelationOnly() throws IOException {
        // given
        HttpServer plain = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        HttpContext context = plain.createContext("/", exchange -> {
            seenCorrelationId.set(CorrelationContext.current().map(CorrelationContext::correlationId).orElse(null));
            seenTraceId.set(Span.current().getSpanContext().getTraceId());
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        context.getFilters().add(CorrelationHttpFilter.create(OpenTelemetry.noop()));
        plain.start();
        try {
            // when
            Response response = get(plain, "/x", Map.of("x-correlation-id", "plain-1",
                    "traceparent", "00-" + TRACE_ID + "-" + PARENT_SPAN_ID + "-01"));

            // then
            assertThat(response.status()).isEqualTo(204);
            assertThat(response.header("x-correlation-id")).isEqualTo("plain-1");
            assertThat(seenCorrelationId.get()).isEqualTo("plain-1");
            assertThat(seenTraceId.get()).isEqualTo("0".repeat(32));
        } finally {
            plain.stop(0);
        }
    }

    private SpanData onlySpan() {
        awaitSpans(1);
        return exporter.spans().get(0);
    }

    /** The client has its answer before the server thread ends the span, hence the wait. */
    private void awaitSpans(int count) {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(telemetry.flush(Duration.ofSeconds(5))).isTrue();
            assertThat(exporter.spans()).hasSize(count);
        });
    }

    /** A raw HTTP/1.1 request, so headers can carry what java.net.http would refuse to send. */
    private Response get(String path, Map<String, String> headers) throws IOException {
        return send(server, "GET", path, headers);
    }

    private Response request(String method, String path, Map<String, String> headers) throws IOException {
        return send(server, method, path, headers);
    }

    private static Response get(HttpServer target, String path, Map<String, String> headers) throws IOException {
        return send(target, "GET", path, headers);
    }

    private static Response send(HttpServer target, String method, String path, Map<String, String> headers)
            throws IOException {
        try (Socket socket = new Socket("127.0.0.1", target.getAddress().getPort())) {
            socket.setSoTimeout(10_000);
            StringBuilder request = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: localhost\r\n");
            headers.forEach((k, v) -> request.append(k).append(": ").append(v).append("\r\n"));
            request.append("Connection: close\r\n\r\n");
            OutputStream out = socket.getOutputStream();
            out.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            String raw = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            if (raw.isEmpty()) {
                throw new IOException("connection closed without a response");
            }
            String[] lines = raw.split("\r\n");
            int status = Integer.parseInt(lines[0].split(" ")[1]);
            Map<String, String> responseHeaders = new LinkedHashMap<>();
            int i = 1;
            for (; i < lines.length && !lines[i].isEmpty(); i++) {
                int colon = lines[i].indexOf(':');
                responseHeaders.put(lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT),
                        lines[i].substring(colon + 1).strip());
            }
            int bodyStart = raw.indexOf("\r\n\r\n");
            String body = bodyStart < 0 ? "" : raw.substring(bodyStart + 4);
            return new Response(status, responseHeaders, body);
        }
    }

    private record Response(int status, Map<String, String> headers, String body) {
        String header(String name) {
            return headers.get(name);
        }
    }
}
