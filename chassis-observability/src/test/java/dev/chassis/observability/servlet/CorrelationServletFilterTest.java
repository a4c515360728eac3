package dev.chassis.observability.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.chassis.core.context.CorrelationContext;
import dev.chassis.core.context.CorrelationId;
import dev.chassis.observability.InMemoryTracing;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The servlet filter in a real container: Jetty 12 with the Jakarta EE 10 servlet environment. */
class CorrelationServletFilterTest {
    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String PARENT_SPAN_ID = "00f067aa0ba902b7";

    private final InMemoryTracing tracing = new InMemoryTracing();
    private final InMemorySpanExporter spans = tracing.spans;
    private final OpenTelemetrySdk sdk = tracing.sdk;
    private final AtomicReference<String> seenCorrelationId = new AtomicReference<>();
    private final AtomicReference<String> seenTraceId = new AtomicReference<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private Server server;
    private int port;

    @BeforeEach
    void startJetty() throws Exception {
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/shop");
        context.addServlet(new ServletHolder(new OrdersServlet()), "/orders/*");
        ServletHolder async = new ServletHolder(new AsyncServlet());
        async.setAsyncSupported(true);
        context.addServlet(async, "/async");
        FilterHolder filter = new FilterHolder(CorrelationServletFilter.builder(sdk).pathTemplate("/shop/orders/{id}").build());
        filter.setAsyncSupported(true);
        context.addFilter(filter, "/*", EnumSet.of(DispatcherType.REQUEST));
        server.setHandler(context);
        server.start();
        port = connector.getLocalPort();
    }

    @AfterEach
    void stopJetty() throws Exception {
        server.stop();
        sdk.close();
    }

    @Test
    void echoesTheCorrelationIdAndRunsTheServletInAServerSpanChildOfTheTraceparent() throws Exception {
        // given / when
        HttpResponse<String> response = get("/shop/orders/42", "x-correlation-id", "orders:42-abc",
                "traceparent", "00-" + TRACE_ID + "-" + PARENT_SPAN_ID + "-01");

        // then
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("x-correlation-id")).hasValue("orders:42-abc");
        assertThat(seenCorrelationId.get()).isEqualTo("orders:42-abc");
        SpanData span = awaitSpan();
        assertThat(span.getName()).isEqualTo("GET /shop/orders/{id}");
        assertThat(span.getKind()).isEqualTo(SpanKind.SERVER);
        assertThat(span.getTraceId()).isEqualTo(TRACE_ID).isEqualTo(seenTraceId.get());
        assertThat(span.getParentSpanId()).isEqualTo(PARENT_SPAN_ID);
        assertThat(span.getAttributes().get(AttributeKey.stringKey("http.request.method"))).isEqualTo("GET");
        assertThat(span.getAttributes().get(AttributeKey.stringKey("url.path"))).isEqualTo("/shop/orders/42");
        assertThat(span.getAttributes().get(AttributeKey.stringKey("http.route"))).isEqualTo("/shop/orders/{id}");
        assertThat(span.getAttributes().get(AttributeKey.longKey("http.response.status_code"))).isEqualTo(200);
        assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
    }

    @Test
    void replacesAnInvalidCorrelationIdAndIgnoresAnInvalidTraceparent() throws Exception {
        // given: values java.net.http sends; CR/LF and ANSI escapes go raw in HostileHeadersTest
        List<String> hostile = List.of("a".repeat(CorrelationId.MAX_LENGTH + 1), "two words", "caf\u00e9", "x".repeat(6000));

        for (String value : hostile) {
            // when
            HttpResponse<String> response = get("/shop/orders/42", "x-correlation-id", value,
                    "traceparent", "00-" + "zz".repeat(16) + "-" + PARENT_SPAN_ID + "-01");

            // then
            String echoed = response.headers().firstValue("x-correlation-id").orElseThrow();
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(CorrelationId.isValid(echoed)).isTrue();
            assertThat(echoed).isNotEqualTo(value).isEqualTo(seenCorrelationId.get());
            assertThat(seenTraceId.get()).isNotEqualTo("0".repeat(32)).doesNotContain("zz");
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> spans.getFinishedSpanItems().size() == hostile.size());
        assertThat(spans.getFinishedSpanItems()).allSatisfy(s -> assertThat(s.getParentSpanContext().isValid()).isFalse());
    }

    @Test
    void aServletExceptionMarksTheSpanAsAnErrorWithItsType() throws Exception {
        // given / when
        HttpResponse<String> response = get("/shop/orders/boom");

        // then
        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(response.headers().firstValue("x-correlation-id")).isPresent();
        SpanData span = awaitSpan();
        assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(span.getAttributes().get(AttributeKey.stringKey("error.type")))
                .isEqualTo(IllegalStateException.class.getName());
    }

    @Test
    void anAsyncRequestsSpanEndsWhenTheAsyncCycleCompletesWithItsStatus() throws Exception {
        // given / when
        HttpResponse<String> response = get("/shop/async", "x-correlation-id", "async-1");

        // then
        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(response.body()).isEqualTo("async-1");
        SpanData span = awaitSpan();
        assertThat(span.getName()).isEqualTo("GET /shop/async");
        assertThat(span.getAttributes().get(AttributeKey.longKey("http.response.status_code"))).isEqualTo(202);
    }

    @Test
    void theGuidesJettySampleFiltersEveryRequest() throws Exception {
        // given
        OpenTelemetry openTelemetry = sdk;
        Server jetty = new Server(new InetSocketAddress("127.0.0.1", 0));

        // when
        ServletContextHandler context = new ServletContextHandler();
        context.addServlet(new ServletHolder(new OrdersServlet()), "/orders/*");
        context.addFilter(new FilterHolder(CorrelationServletFilter.builder(openTelemetry)
                .pathTemplate("/orders/{id}")
                .build()), "/*", EnumSet.of(DispatcherType.REQUEST));
        jetty.setHandler(context);
        jetty.start();
        try {
            port = ((ServerConnector) jetty.getConnectors()[0]).getLocalPort();
            HttpResponse<String> response = get("/orders/7", "x-correlation-id", "guide-1");

            // then
            assertThat(response.headers().firstValue("x-correlation-id")).hasValue("guide-1");
            assertThat(awaitSpan().getName()).isEqualTo("GET /orders/{id}");
        } finally {
            jetty.stop();
        }
    }

    private SpanData awaitSpan() {
        await().atMost(Duration.ofSeconds(5)).until(() -> spans.getFinishedSpanItems().size() == 1);
        return spans.getFinishedSpanItems().get(0);
    }

    private HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(5));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private final class OrdersServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            seenCorrelationId.set(CorrelationContext.current().map(CorrelationContext::correlationId).orElse("none"));
            seenTraceId.set(Span.current().getSpanContext().getTraceId());
            if (req.getRequestURI().endsWith("/boom")) {
                throw new IllegalStateException("handler failed");
            }
            resp.setStatus(200);
            resp.getWriter().write("ok");
        }
    }

    private static final class AsyncServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws ServletException {
            String id = CorrelationContext.current().map(CorrelationContext::correlationId).orElse("none");
            AsyncContext async = req.startAsync();
            async.start(() -> {
                try {
                    resp.setStatus(202);
                    resp.getWriter().write(id);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                } finally {
                    async.complete();
                }
            });
        }
    }
}
