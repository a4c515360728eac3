package dev.chassis.examples.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.chassis.discovery.HealthCheckSpec;
import dev.chassis.discovery.InMemoryServiceRegistry;
import dev.chassis.discovery.Registration;
import dev.chassis.discovery.ServiceInstance;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Correlation ids, trace context, load balancing and the health endpoints. */
class GatewayContextTest {
    private static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    private RecordingUpstream users;
    private InMemoryServiceRegistry registry;
    private ApiGateway gateway;

    @BeforeEach
    void startUpstream() throws IOException {
        users = RecordingUpstream.start("user-service");
        registry = InMemoryServiceRegistry.create();
        registerUser("users-1", users.port());
    }

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        registry.close();
        users.close();
    }

    @Test
    void forwardsAndEchoesAValidCorrelationId() throws IOException {
        // given
        start(OpenTelemetry.noop());

        // when
        RawHttp.Reply reply = RawHttp.get(gateway.port(), "/api/users/1", "x-correlation-id: signup-flow-7");

        // then
        assertThat(reply.header("x-correlation-id")).isEqualTo("signup-flow-7");
        assertThat(users.last().header("x-correlation-id")).isEqualTo("signup-flow-7");
    }

    @Test
    void replacesAnInvalidCorrelationIdAndNeverEchoesIt() throws IOException {
        // given
        start(OpenTelemetry.noop());

        // when
        RawHttp.Reply reply = RawHttp.get(gateway.port(), "/api/users/1", "x-correlation-id: has space " + "x".repeat(200));
        RawHttp.Reply missing = RawHttp.get(gateway.port(), "/api/users/2");

        // then
        String created = reply.header("x-correlation-id");
        assertThat(created).isNotBlank().doesNotContain("space").hasSizeLessThanOrEqualTo(128);
        assertThat(users.requests().get(0).header("x-correlation-id")).isEqualTo(created);
        assertThat(missing.header("x-correlation-id")).isNotBlank().isNotEqualTo(created);
        assertThat(users.requests().get(1).header("x-correlation-id")).isEqualTo(missing.header("x-correlation-id"));
    }

    @Test
    void passesTheCallersTraceContextOnWithoutTelemetry() throws IOException {
        // given
        start(OpenTelemetry.noop());

        // when
        RawHttp.get(gateway.port(), "/api/users/1", "traceparent: " + TRACEPARENT, "tracestate: vendor=1");
        RawHttp.get(gateway.port(), "/api/users/2", "traceparent: 00-not-a-trace-01");

        // then
        assertThat(users.requests().get(0).header("traceparent")).isEqualTo(TRACEPARENT);
        assertThat(users.requests().get(0).header("tracestate")).isEqualTo("vendor=1");
        assertThat(users.requests().get(1).headers()).doesNotContainKey("traceparent");
    }

    @Test
    void continuesTheTraceInAServerSpanAndSendsItUpstream() throws IOException {
        // given
        List<SpanData> ended = new CopyOnWriteArrayList<>();
        SdkTracerProvider tracing = SdkTracerProvider.builder().addSpanProcessor(new SpanProcessor() {
            @Override
            public void onStart(Context parentContext, ReadWriteSpan span) {
            }

            @Override
            public boolean isStartRequired() {
                return false;
            }

            @Override
            public void onEnd(ReadableSpan span) {
                ended.add(span.toSpanData());
            }

            @Override
            public boolean isEndRequired() {
                return true;
            }
        }).build();
        try (OpenTelemetrySdk otel = OpenTelemetrySdk.builder().setTracerProvider(tracing)
                .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance())).build()) {
            start(otel);

            // when
            RawHttp.Reply reply = RawHttp.get(gateway.port(), "/api/users/1", "traceparent: " + TRACEPARENT);

            // then
            assertThat(reply.status()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(5)).until(() -> !ended.isEmpty());
            SpanData span = ended.get(0);
            assertThat(span.getName()).isEqualTo("GET /api/users/**");
            assertThat(span.getKind()).isEqualTo(SpanKind.SERVER);
            assertThat(span.getTraceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
            assertThat(span.getParentSpanId()).isEqualTo("00f067aa0ba902b7");
            assertThat(span.getAttributes().asMap().toString()).contains("http.response.status_code=200");
            assertThat(users.last().header("traceparent"))
                    .isEqualTo("00-4bf92f3577b34da6a3ce929d0e0e4736-" + span.getSpanId() + "-01");
        }
    }

    @Test
    void spreadsRequestsOverTheRegisteredInstances() throws IOException {
        // given
        try (RecordingUpstream second = RecordingUpstream.start("user-service-2")) {
            registerUser("users-2", second.port());
            start(OpenTelemetry.noop());

            // when
            for (int i = 0; i < 10; i++) {
                assertThat(RawHttp.get(gateway.port(), "/api/users/" + i).status()).isEqualTo(200);
            }

            // then
            assertThat(users.requests()).hasSize(5);
            assertThat(second.requests()).hasSize(5);
        }
    }

    @Test
    void answersHealthAndReadinessAndGoesNotReadyWhenClosing() throws IOException {
        // given
        start(OpenTelemetry.noop());

        // when
        RawHttp.Reply health = RawHttp.get(gateway.port(), "/health");
        RawHttp.Reply ready = RawHttp.get(gateway.port(), "/ready");
        gateway.health().markShuttingDown();
        RawHttp.Reply notReady = RawHttp.get(gateway.port(), "/ready");

        // then
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.body()).contains("\"status\":\"UP\"");
        assertThat(ready.status()).isEqualTo(200);
        assertThat(notReady.status()).isEqualTo(503);
        assertThat(notReady.body()).contains("shutting down");
        assertThat(users.requests()).isEmpty();
    }

    private void start(OpenTelemetry openTelemetry) {
        gateway = ApiGateway.builder(registry).host("127.0.0.1").port(0).openTelemetry(openTelemetry).build().start();
    }

    private void registerUser(String id, int port) {
        registry.register(new Registration(ServiceInstance.of("user-service", id, "127.0.0.1", port), HealthCheckSpec.none()));
    }
}
