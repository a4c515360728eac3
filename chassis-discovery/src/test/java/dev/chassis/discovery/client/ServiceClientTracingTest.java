package dev.chassis.discovery.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chassis.discovery.HealthCheckSpec;
import dev.chassis.discovery.InMemoryServiceRegistry;
import dev.chassis.discovery.Registration;
import dev.chassis.discovery.balancer.LoadBalancer;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ServiceClientTracingTest {
    private final InMemoryServiceRegistry registry = InMemoryServiceRegistry.create();
    private final List<TestInstance> instances = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(1)).build();
    private final InMemorySpanExporter spans = InMemorySpanExporter.create();
    private final InMemoryMetricReader metrics = InMemoryMetricReader.create();
    private final OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
            .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
            .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(metrics).build())
            .build();

    @AfterEach
    void stop() {
        instances.forEach(TestInstance::close);
        registry.close();
        sdk.close();
    }

    @Test
    void tracesTheCallAndItsAttemptAndSendsTheAttemptsSpanAsTraceparent() {
        // given
        TestInstance a = instance("orders-a");
        ServiceClient client = ServiceClient.builder(registry).httpClient(http).openTelemetry(sdk).build();
        Span parent = sdk.getTracer("test").spanBuilder("handler").startSpan();

        // when
        try (Scope scope = parent.makeCurrent()) {
            client.send(get("http://orders/orders/1?lines=all"), HttpResponse.BodyHandlers.ofString());
        } finally {
            parent.end();
        }

        // then
        SpanData call = only(SpanKind.INTERNAL, "GET", "chassis.service.name", "orders");
        SpanData attempt = only(SpanKind.CLIENT, "GET", "chassis.service.instance.id", "orders-a");
        assertThat(call.getParentSpanId()).isEqualTo(parent.getSpanContext().getSpanId());
        assertThat(attempt.getParentSpanId()).isEqualTo(call.getSpanId());
        assertThat(attempt.getTraceId()).isEqualTo(parent.getSpanContext().getTraceId());
        assertThat(a.lastHeaders().getFirst("traceparent"))
                .startsWith("00-" + attempt.getTraceId() + "-" + attempt.getSpanId() + "-");
        int port = a.instance().port();
        assertThat(attempt.getAttributes().get(AttributeKey.stringKey("http.request.method"))).isEqualTo("GET");
        assertThat(attempt.getAttributes().get(AttributeKey.stringKey("server.address"))).isEqualTo("127.0.0.1");
        assertThat(attempt.getAttributes().get(AttributeKey.longKey("server.port"))).isEqualTo(port);
        assertThat(attempt.getAttributes().get(AttributeKey.stringKey("url.full")))
                .isEqualTo("http://127.0.0.1:" + port + "/orders/1?lines=all");
        assertThat(attempt.getAttributes().get(AttributeKey.longKey("http.response.status_code"))).isEqualTo(200);
        assertThat(attempt.getAttributes().get(AttributeKey.stringKey("error.type"))).isNull();
        assertThat(call.getAttributes().get(AttributeKey.stringKey("url.full"))).isEqualTo("http://orders/orders/1?lines=all");
        assertThat(call.getAttributes().get(AttributeKey.longKey("http.response.status_code"))).isEqualTo(200);
        assertThat(call.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
    }

    @Test
    void aRetryIsASecondAttemptSpanWithItsResendCountAndTheFailedOneKeepsItsErrorType() {
        // given
        TestInstance failing = instance("orders-a").status(503);
        TestInstance healthy = instance("orders-b");
        ServiceClient client = ServiceClient.builder(registry).httpClient(http).openTelemetry(sdk)
                .loadBalancer(LoadBalancer.roundRobin()).build();

        // when
        HttpResponse<String> response = client.send(get("http://orders/orders/1"), HttpResponse.BodyHandlers.ofString());

        // then
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(failing.requests() + healthy.requests()).isEqualTo(2);
        List<SpanData> attempts = spans.getFinishedSpanItems().stream()
                .filter(s -> s.getKind() == SpanKind.CLIENT)
                .sorted(Comparator.comparingLong(SpanData::getStartEpochNanos))
                .toList();
        assertThat(attempts).hasSize(2);
        assertThat(attempts.get(0).getAttributes().get(AttributeKey.longKey("http.response.status_code"))).isEqualTo(503);
        assertThat(attempts.get(0).getAttributes().get(AttributeKey.stringKey("error.type"))).isEqualTo("503");
        assertThat(attempts.get(0).getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(attempts.get(0).getAttributes().get(AttributeKey.longKey("http.request.resend_count"))).isNull();
        assertThat(attempts.get(1).getAttributes().get(AttributeKey.longKey("http.request.resend_count"))).isEqualTo(1);
        assertThat(attempts.get(1).getAttributes().get(AttributeKey.longKey("http.response.status_code"))).isEqualTo(200);
        SpanData call = only(SpanKind.INTERNAL, "GET", "chassis.service.name", "orders");
        assertThat(attempts).allSatisfy(s -> assertThat(s.getParentSpanId()).isEqualTo(call.getSpanId()));
        assertThat(call.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
    }

    @Test
    void aCallThatFailsEndsItsSpanWithTheErrorType() {
        // given
        ServiceClient client = ServiceClient.builder(registry).httpClient(http).openTelemetry(sdk).build();

        // when
        assertThatThrownBy(() -> client.send(get("http://orders/orders/1"), HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(NoInstanceAvailableException.class);

        // then
        SpanData call = only(SpanKind.INTERNAL, "GET", "chassis.service.name", "orders");
        assertThat(call.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(call.getAttributes().get(AttributeKey.stringKey("error.type")))
                .isEqualTo(NoInstanceAvailableException.class.getName());
        assertThat(spans.getFinishedSpanItems()).noneMatch(s -> s.getKind() == SpanKind.CLIENT);
    }

    @Test
    void recordsEachAttemptsDurationInSecondsWithTheConventionsAttributes() {
        // given
        TestInstance a = instance("orders-a");
        ServiceClient client = ServiceClient.builder(registry).httpClient(http).openTelemetry(sdk).build();

        // when
        client.sendAsync(get("http://orders/orders/1"), HttpResponse.BodyHandlers.ofString()).join();
        client.send(get("http://orders/orders/2"), HttpResponse.BodyHandlers.ofString());

        // then
        MetricData metric = metrics.collectAllMetrics().stream()
                .filter(m -> m.getName().equals("http.client.request.duration"))
                .findFirst().orElseThrow();
        assertThat(metric.getUnit()).isEqualTo("s");
        HistogramPointData point = metric.getHistogramData().getPoints().iterator().next();
        assertThat(metric.getHistogramData().getPoints()).hasSize(1);
        assertThat(point.getCount()).isEqualTo(2);
        assertThat(point.getSum()).isPositive().isLessThan(10.0);
        assertThat(point.getBoundaries()).startsWith(0.005, 0.01);
        assertThat(point.getAttributes().get(AttributeKey.stringKey("http.request.method"))).isEqualTo("GET");
        assertThat(point.getAttributes().get(AttributeKey.stringKey("server.address"))).isEqualTo("127.0.0.1");
        assertThat(point.getAttributes().get(AttributeKey.longKey("server.port"))).isEqualTo(a.instance().port());
        assertThat(point.getAttributes().get(AttributeKey.longKey("http.response.status_code"))).isEqualTo(200);
        assertThat(point.getAttributes().get(AttributeKey.stringKey("url.scheme"))).isEqualTo("http");
    }

    @Test
    void theGuidesClientSampleTracesWithTheGivenOpenTelemetry() {
        // given
        instance("orders-a");
        OpenTelemetry openTelemetry = sdk;

        // when
        ServiceClient client = ServiceClient.builder(registry)
                .openTelemetry(openTelemetry)
                .build();
        client.send(get("http://orders/orders/7"), HttpResponse.BodyHandlers.ofString());

        // then
        assertThat(spans.getFinishedSpanItems()).extracting(SpanData::getKind)
                .containsExactlyInAnyOrder(SpanKind.CLIENT, SpanKind.INTERNAL);
    }

    private SpanData only(SpanKind kind, String name, String key, String value) {
        List<SpanData> found = spans.getFinishedSpanItems().stream()
                .filter(s -> s.getKind() == kind && s.getName().equals(name)
                        && value.equals(s.getAttributes().get(AttributeKey.stringKey(key))))
                .toList();
        assertThat(found).hasSize(1);
        return found.get(0);
    }

    private TestInstance instance(String id) {
        TestInstance instance = TestInstance.start("orders", id);
        instances.add(instance);
        registry.register(new Registration(instance.instance(), HealthCheckSpec.none()));
        return instance;
    }

    private static HttpRequest get(String uri) {
        return HttpRequest.newBuilder(URI.create(uri)).GET().build();
    }
}
