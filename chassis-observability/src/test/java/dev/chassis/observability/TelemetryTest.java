package dev.chassis.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chassis.core.NonRetryableException;
import dev.chassis.core.admin.AdminRequest;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.sdk.trace.data.SpanData;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class TelemetryTest {

    @Test
    void buildsWorkingSdkFromSettingsAndShutdownFlushesBufferedSpans() {
        // given a long batch delay, so only the shutdown can export the span
        RecordingSpanExporter exporter = new RecordingSpanExporter();
        Telemetry telemetry = Telemetry.builder()
                .settings(Map.of(
                        "OTEL_SERVICE_NAME", "orders",
                        "OTEL_RESOURCE_ATTRIBUTES", "deployment.environment.name=test,team=a%20b",
                        "OTEL_TRACES_EXPORTER", "none",
                        "OTEL_BSP_SCHEDULE_DELAY", "600000"))
                .spanExporter(exporter)
                .build();
        Tracer tracer = telemetry.tracer("test");

        // when
        tracer.spanBuilder("place order").startSpan().end();
        int beforeShutdown = exporter.spans().size();
        boolean clean = telemetry.shutdown(Duration.ofSeconds(5));

        // then
        assertThat(beforeShutdown).isZero();
        assertThat(clean).isTrue();
        assertThat(exporter.isShutDown()).isTrue();
        assertThat(exporter.spans()).singleElement().satisfies(span -> {
            assertThat(span.getName()).isEqualTo("place order");
            assertThat(span.getResource().getAttribute(AttributeKey.stringKey("service.name"))).isEqualTo("orders");
            assertThat(span.getResource().getAttribute(AttributeKey.stringKey("deployment.environment.name"))).isEqualTo("test");
            assertThat(span.getResource().getAttribute(AttributeKey.stringKey("team"))).isEqualTo("a b");
        });
        assertThat(telemetry.serviceName()).isEqualTo("orders");
        assertThat(telemetry.isEnabled()).isTrue();
    }

    @Test
    void codeSettingsWinOverEnvironmentSettings() {
        // given
        RecordingSpanExporter exporter = new RecordingSpanExporter();
        try (Telemetry telemetry = Telemetry.builder()
                .settings(Map.of("OTEL_SERVICE_NAME", "from-env", "OTEL_TRACES_EXPORTER", "none"))
                .serviceName("from-code")
                .spanExporter(exporter)
                .build()) {
            // when
            telemetry.tracer("test").spanBuilder("s").startSpan().end();
            assertThat(telemetry.flush(Duration.ofSeconds(5))).isTrue();

            // then
            SpanData span = exporter.spans().get(0);
            assertThat(span.getResource().getAttribute(AttributeKey.stringKey("service.name"))).isEqualTo("from-code");
        }
    }

    @Test
    void samplerFromSettingsDropsSpans() {
        // given
        RecordingSpanExporter exporter = new RecordingSpanExporter();
        Telemetry telemetry = Telemetry.builder()
                .settings(Map.of("OTEL_TRACES_EXPORTER", "none", "OTEL_TRACES_SAMPLER", "always_off"))
                .spanExporter(exporter)
                .build();

        // when
        Span span = telemetry.tracer("test").spanBuilder("dropped").startSpan();
        span.end();
        telemetry.close();

        // then
        assertThat(span.isRecording()).isFalse();
        assertThat(exporter.spans()).isEmpty();
    }

    @Test
    void propagatesW3cTraceContextAndBaggage() {
        // given
        try (Telemetry telemetry = Telemetry.fromSettings(Map.of("OTEL_TRACES_EXPORTER", "none"))) {
            // when
            var fields = telemetry.propagator().fields();

            // then
            assertThat(fields).contains("traceparent", "tracestate", "baggage");
        }
    }

    @Test
    void defaultOtlpExporterTargetsLocalCollectorAndClosesCleanly() {
        // given no settings at all: OTLP over HTTP to localhost:4318
        TelemetrySettings settings = new TelemetrySettings(Map.of());
        TelemetrySettings custom = new TelemetrySettings(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://jaeger:4318/"));
        TelemetrySettings specific = new TelemetrySettings(Map.of(
                "OTEL_EXPORTER_OTLP_ENDPOINT", "http://jaeger:4318",
                "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://other:4318/custom"));

        // when
        Telemetry telemetry = Telemetry.fromSettings(Map.of("OTEL_EXPORTER_OTLP_HEADERS", "api-key=secret"));

        // then nothing was exported, so closing does not wait for the absent collector
        assertThat(telemetry.shutdown(Duration.ofSeconds(5))).isTrue();
        assertThat(settings.otlpTracesEndpoint()).isEqualTo("http://localhost:4318/v1/traces");
        assertThat(custom.otlpTracesEndpoint()).isEqualTo("http://jaeger:4318/v1/traces");
        assertThat(specific.otlpTracesEndpoint()).isEqualTo("http://other:4318/custom");
        assertThat(telemetry.serviceName()).isEqualTo(Telemetry.DEFAULT_SERVICE_NAME);
    }

    @Test
    void pushesMetricsOverOtlpWhenAskedAndReadsTheMetricsEndpoint() throws Exception {
        // given a collector stand-in that records what it is sent
        List<String> received = new CopyOnWriteArrayList<>();
        HttpServer collector = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        collector.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            received.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath() + " "
                    + exchange.getRequestHeaders().getFirst("Content-Type") + " " + body.length);
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        collector.start();
        String base = "http://127.0.0.1:" + collector.getAddress().getPort();
        try (Telemetry telemetry = Telemetry.fromSettings(Map.of("OTEL_TRACES_EXPORTER", "none",
                "OTEL_METRICS_EXPORTER", "otlp", "OTEL_EXPORTER_OTLP_ENDPOINT", base,
                "OTEL_METRIC_EXPORT_INTERVAL", "600000"))) {
            telemetry.meter("orders").counterBuilder("orders.placed").build().add(1);

            // when
            boolean flushed = telemetry.flush(Duration.ofSeconds(10));

            // then
            assertThat(flushed).isTrue();
            assertThat(received).singleElement().asString().startsWith("POST /v1/metrics application/x-protobuf ")
                    .doesNotEndWith(" 0");
            assertThat(telemetry.metricsRoute().handler()
                    .handle(new AdminRequest("GET", "/metrics", Map.of(), Map.of(), new byte[0])).bodyText()).isEmpty();
        } finally {
            collector.stop(0);
        }
        assertThat(new TelemetrySettings(Map.of()).otlpMetricsEndpoint()).isEqualTo("http://localhost:4318/v1/metrics");
        assertThat(new TelemetrySettings(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318",
                "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", "http://m:4318/x")).otlpMetricsEndpoint()).isEqualTo("http://m:4318/x");
        assertThatThrownBy(() -> Telemetry.fromSettings(Map.of("OTEL_METRICS_EXPORTER", "statsd")))
                .isInstanceOf(NonRetryableException.class).hasMessageContaining("OTEL_METRICS_EXPORTER")
                .hasMessageContaining("prometheus");
    }

    @Test
    void loggingExporterIsAccepted() {
        // given / when
        Telemetry telemetry = Telemetry.fromSettings(Map.of("OTEL_TRACES_EXPORTER", "logging"));
        telemetry.tracer("test").spanBuilder("logged").startSpan().end();

        // then
        assertThat(telemetry.shutdown(Duration.ofSeconds(5))).isTrue();
        assertThat(telemetry.isEnabled()).isTrue();
    }

    @Test
    void unsupportedSettingsFailNamingTheVariable() {
        // given / when / then
        assertThatThrownBy(() -> Telemetry.fromSettings(Map.of("OTEL_TRACES_SAMPLER", "sometimes")))
                .isInstanceOf(NonRetryableException.class)
                .hasMessageContaining("OTEL_TRACES_SAMPLER").hasMessageContaining("parentbased_always_on");
        assertThatThrownBy(() -> Telemetry.fromSettings(Map.of("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc")))
                .isInstanceOf(NonRetryableException.class).hasMessageContaining("http/protobuf");
        assertThatThrownBy(() -> Telemetry.fromSettings(Map.of("OTEL_TRACES_EXPORTER", "jaeger")))
                .isInstanceOf(NonRetryableException.class).hasMessageContaining("OTEL_TRACES_EXPORTER");
        assertThatThrownBy(() -> Telemetry.fromSettings(Map.of("OTEL_PROPAGATORS", "b3")))
                .isInstanceOf(NonRetryableException.class).hasMessageContaining("tracecontext");
        assertThatThrownBy(() -> Telemetry.fromSettings(Map.of("OTEL_BSP_SCHEDULE_DELAY", "soon")))
                .isInstanceOf(NonRetryableException.class).hasMessageContaining("milliseconds");
        assertThatThrownBy(() -> Telemetry.fromSettings(Map.of("OTEL_TRACES_SAMPLER", "traceidratio",
                "OTEL_TRACES_SAMPLER_ARG", "2"))).isInstanceOf(NonRetryableException.class);
    }

    @Test
    void registersAsGlobalOnlyWhenAsked() {
        // given
        GlobalOpenTelemetry.resetForTest();
        try (Telemetry local = Telemetry.fromSettings(Map.of("OTEL_TRACES_EXPORTER", "none"));
             Telemetry global = Telemetry.builder().settings(Map.of("OTEL_TRACES_EXPORTER", "none"))
                     .registerGlobal().build()) {
            // when
            Span span = GlobalOpenTelemetry.getTracer("test").spanBuilder("global").startSpan();
            span.end();

            // then
            assertThat(local.isEnabled()).isTrue();
            assertThat(span.getSpanContext().isValid()).isTrue();
            assertThat(global.openTelemetry().getPropagators())
                    .isSameAs(GlobalOpenTelemetry.get().getPropagators());
        } finally {
            GlobalOpenTelemetry.resetForTest();
        }
    }

    @Test
    void disabledSdkAndNoopRecordNothing() {
        // given
        Telemetry disabled = Telemetry.fromSettings(Map.of("OTEL_SDK_DISABLED", "true"));
        Telemetry noop = Telemetry.noop();

        // when
        Span span = noop.tracer("test").spanBuilder("nothing").startSpan();

        // then
        assertThat(disabled.isEnabled()).isFalse();
        assertThat(noop.openTelemetry()).isSameAs(OpenTelemetry.noop());
        assertThat(span.getSpanContext().isValid()).isFalse();
        assertThat(noop.flush(Duration.ofSeconds(1))).isTrue();
        assertThat(noop.shutdown(Duration.ofSeconds(1))).isTrue();
    }
}
