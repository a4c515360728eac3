package dev.chassis.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.chassis.core.context.CorrelationContext;
import dev.chassis.core.context.CorrelationId;
import dev.chassis.observability.servlet.CorrelationServletFilter;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hostile {@code x-correlation-id} and {@code traceparent} values, sent raw over a socket to both
 * filters (the JDK {@code HttpServer} one and the servlet one in Jetty): nothing throws, a fresh id
 * and a fresh trace are used, and every log line written meanwhile through {@link JsonLogEncoder} is
 * one parseable JSON object without any of the hostile input in it.
 */
class HostileHeadersTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Logger log = LoggerFactory.getLogger("shop.Hostile");
    private static final String SPAN = "00f067aa0ba902b7";
    private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    /** Each value carries a marker that must never show up in a log line or a response. */
    private static final Map<String, String> HOSTILE_IDS = Map.of(
            "crlf", "abc\r\n forged: HOSTILECRLF",
            "ansi", "\u001b[31mHOSTILEANSI\u001b[0m",
            "bell", "id\u0007HOSTILEBELL",
            "oversized", "HOSTILELONG" + "x".repeat(4_000),
            "nonAscii", "HOSTILEUTF\u00e9\u4e2d",
            "space", "two HOSTILESPACE");
    private static final Map<String, String> HOSTILE_TRACEPARENTS = Map.of(
            "badHex", "00-" + "zz".repeat(16) + "-" + SPAN + "-01",
            "oversized", "00-" + TRACE + "-" + SPAN + "-01" + "a".repeat(4_000),
            "crlf", "00-" + TRACE + "\r\n forged: x-" + SPAN + "-01",
            "ansi", "00-\u001b[31m" + TRACE + "-" + SPAN + "-01",
            "zeroTrace", "00-" + "0".repeat(32) + "-" + SPAN + "-01",
            "badVersion", "ff-" + TRACE + "-" + SPAN + "-01",
            "nonAscii", "00-" + TRACE.substring(0, 31) + "\u00e9-" + SPAN + "-01");

    private final InMemoryTracing tracing = new InMemoryTracing();
    private final InMemorySpanExporter spans = tracing.spans;
    private final OpenTelemetrySdk otel = tracing.sdk;
    private final ByteArrayOutputStream logs = new ByteArrayOutputStream();
    private HttpServer jdk;
    private Server jetty;
    private int jettyPort;

    @BeforeEach
    void startServers() throws Exception {
        JsonLogging.builder().service("hostile").output(logs).install();
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("dev.chassis")).setLevel(Level.DEBUG);
        jdk = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        jdk.createContext("/orders", exchange -> {
            handled();
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        }).getFilters().add(CorrelationHttpFilter.create(otel));
        jdk.start();

        jetty = new Server();
        ServerConnector connector = new ServerConnector(jetty);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        jetty.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.addServlet(new ServletHolder(new HttpServlet() {
            private static final long serialVersionUID = 1L;

            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) {
                handled();
                resp.setStatus(204);
            }
        }), "/orders/*");
        context.addFilter(new FilterHolder(CorrelationServletFilter.create(otel)), "/*", EnumSet.of(DispatcherType.REQUEST));
        jetty.setHandler(context);
        jetty.start();
        jettyPort = connector.getLocalPort();
    }

    @AfterEach
    void stopServers() throws Exception {
        jdk.stop(0);
        jetty.stop();
        otel.close();
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("dev.chassis")).setLevel(null);
        JsonLogging.builder().service("tests").install();
    }

    @Test
    void hostileCorrelationIdsAreReplacedAndNeverReachALogLineOrAResponse() throws Exception {
        for (int port : List.of(jdk.getAddress().getPort(), jettyPort)) {
            for (Map.Entry<String, String> hostile : HOSTILE_IDS.entrySet()) {
                // when
                Response response = get(port, "x-correlation-id", hostile.getValue());

                // then: handled with a fresh valid id, or refused by the server's own header parser
                if (response.status() == 204) {
                    String echoed = response.headers().get("x-correlation-id");
                    assertThat(CorrelationId.isValid(echoed)).as(hostile.getKey()).isTrue();
                    assertThat(echoed).as(hostile.getKey()).doesNotContain("HOSTILE");
                } else {
                    assertThat(response.status()).as(hostile.getKey() + " on port " + port).isIn(400, 431);
                }
                assertThat(response.raw()).as(hostile.getKey()).doesNotContain("HOSTILE");
            }
        }
        assertLogsAreCleanJson();
    }

    @Test
    void hostileTraceparentsStartAFreshTraceAndNeverReachALogLine() throws Exception {
        for (int port : List.of(jdk.getAddress().getPort(), jettyPort)) {
            for (Map.Entry<String, String> hostile : HOSTILE_TRACEPARENTS.entrySet()) {
                int handledBefore = spans.getFinishedSpanItems().size();

                // when
                Response response = get(port, "traceparent", hostile.getValue());

                // then
                if (response.status() == 204) {
                    await().atMost(Duration.ofSeconds(5)).until(() -> spans.getFinishedSpanItems().size() > handledBefore);
                    SpanData span = spans.getFinishedSpanItems().get(spans.getFinishedSpanItems().size() - 1);
                    assertThat(span.getParentSpanContext().isValid()).as(hostile.getKey()).isFalse();
                    assertThat(span.getTraceId()).as(hostile.getKey()).isNotEqualTo(TRACE).isNotEqualTo("0".repeat(32));
                } else {
                    assertThat(response.status()).as(hostile.getKey() + " on port " + port).isIn(400, 431);
                }
            }
        }
        List<JsonNode> lines = assertLogsAreCleanJson();
        assertThat(lines.toString()).doesNotContain(TRACE, "zzzz", "aaaaaaaaaa");
    }

    private static void handled() {
        log.info("handled request {} in trace {}",
                CorrelationContext.current().map(CorrelationContext::correlationId).orElse("none"),
                Span.current().getSpanContext().getTraceId());
    }

    /** Every line is one JSON object, the handler logged, and no field holds hostile input. */
    private List<JsonNode> assertLogsAreCleanJson() throws IOException {
        String text;
        synchronized (logs) {
            text = logs.toString(StandardCharsets.UTF_8);
        }
        List<JsonNode> lines = new ArrayList<>();
        for (String line : text.split("\n", -1)) {
            if (!line.isEmpty()) {
                JsonNode node = JSON.readTree(line);
                assertThat(node.isObject()).as(line).isTrue();
                lines.add(node);
            }
        }
        assertThat(lines).anySatisfy(l -> assertThat(l.get("logger").asText()).isEqualTo("shop.Hostile"));
        assertThat(text).doesNotContain("HOSTILE", "forged", "\u001b", "\u0007", "\r");
        for (JsonNode line : lines) {
            for (Iterator<JsonNode> fields = line.elements(); fields.hasNext(); ) {
                String value = fields.next().asText();
                assertThat(value).doesNotContain("HOSTILE", "\u001b", "\u0007", "\r", "\n ");
            }
        }
        System.out.println("hostile log lines=" + lines.size() + " parseable=" + lines.size());
        return lines;
    }

    /** A raw HTTP/1.1 request, so headers can carry what java.net.http refuses to send. */
    private static Response get(int port, String header, String value) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            String request = "GET /orders/1 HTTP/1.1\r\nHost: localhost\r\n" + header + ": " + value
                    + "\r\nConnection: close\r\n\r\n";
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.UTF_8));
            out.flush();
            String raw = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            String[] lines = raw.split("\r\n");
            int status = Integer.parseInt(lines[0].split(" ")[1]);
            Map<String, String> headers = new java.util.HashMap<>();
            for (int i = 1; i < lines.length && !lines[i].isEmpty(); i++) {
                int colon = lines[i].indexOf(':');
                headers.put(lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).strip());
            }
            return new Response(status, headers, raw);
        }
    }

    private record Response(int status, Map<String, String> headers, String raw) {
    }
}
