package dev.chassis.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chassis.core.RetryableException;
import dev.chassis.core.bus.RetryPolicy;
import dev.chassis.core.bus.Subscription;
import dev.chassis.core.envelope.Envelope;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Messaging spans of the RabbitMQ bus (the tracing package's tests cover the in-memory bus and the outbox). */
class RabbitEventBusTracingIT {
    private static final RetryPolicy FAST = RetryPolicy.builder().maxAttempts(2).initialDelay(Duration.ofMillis(100))
            .multiplier(1).maxDelay(Duration.ofMillis(100)).build();

    @RegisterExtension
    final RabbitFixture rabbit = new RabbitFixture();

    private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
    private final OpenTelemetrySdk openTelemetry = OpenTelemetrySdk.builder()
            .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter)).build())
            .build();

    @AfterEach
    void closeTelemetry() {
        openTelemetry.close();
    }

    @Test
    void publishAndProcessSpansContinueThePublishersTraceAcrossTheBroker() {
        // given
        RabbitEventBus bus = rabbit.bus(b -> b.openTelemetry(openTelemetry));
        String queue = rabbit.queue("traced");
        List<SpanContext> seenByHandler = new CopyOnWriteArrayList<>();
        bus.subscribe(Subscription.builder(queue).topic("order.placed").retry(FAST).handler(d -> {
            seenByHandler.add(Span.current().getSpanContext());
            if (d.attempt() == 1) {
                throw new RetryableException("first attempt fails");
            }
        }).build());
        Envelope envelope = RabbitFixture.envelope("o-1");
        Span request = openTelemetry.getTracer("test").spanBuilder("request").startSpan();

        // when
        try (Scope s = request.makeCurrent()) {
            bus.publish("order.placed", envelope).toCompletableFuture().join();
        } finally {
            request.end();
        }

        // then
        List<SpanData> processes = spans(SpanKind.CONSUMER, 2);
        SpanData publish = spans(SpanKind.PRODUCER, 1).get(0);
        assertThat(publish.getName()).isEqualTo("publish order.placed");
        assertThat(publish.getParentSpanId()).isEqualTo(request.getSpanContext().getSpanId());
        assertThat(publish.getTraceId()).isEqualTo(request.getSpanContext().getTraceId());
        assertThat(publish.getAttributes().get(AttributeKey.stringKey("messaging.system"))).isEqualTo("rabbitmq");
        assertThat(publish.getAttributes().get(AttributeKey.stringKey("messaging.destination.name")))
                .isEqualTo(rabbit.exchange);
        assertThat(publish.getAttributes().get(AttributeKey.stringKey("messaging.rabbitmq.destination.routing_key")))
                .isEqualTo("order.placed");
        assertThat(publish.getAttributes().get(AttributeKey.stringKey("messaging.message.id"))).isEqualTo(envelope.id());

        assertThat(processes).extracting(SpanData::getName).containsOnly("process " + queue);
        assertThat(processes).extracting(s -> s.getAttributes().get(AttributeKey.longKey("chassis.messaging.attempt")))
                .containsExactly(1L, 2L);
        assertThat(processes).extracting(s -> s.getStatus().getStatusCode())
                .containsExactly(StatusCode.ERROR, StatusCode.UNSET);
        assertThat(processes).allSatisfy(s -> {
            assertThat(s.getTraceId()).isEqualTo(publish.getTraceId());
            assertThat(s.getParentSpanId()).isEqualTo(publish.getSpanId());
            assertThat(s.getAttributes().get(AttributeKey.stringKey("messaging.destination.subscription.name")))
                    .isEqualTo(queue);
        });
        assertThat(seenByHandler).extracting(SpanContext::getSpanId)
                .containsExactly(processes.get(0).getSpanId(), processes.get(1).getSpanId());
        System.out.println("rabbit attempts=2 processSpans=" + processes.size() + " publishSpans="
                + spans(SpanKind.PRODUCER, 1).size());
    }

    private List<SpanData> spans(SpanKind kind, int count) {
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(15))
                .until(() -> exporter.getFinishedSpanItems().stream().filter(s -> s.getKind() == kind).count() >= count);
        return exporter.getFinishedSpanItems().stream().filter(s -> s.getKind() == kind).toList();
    }
}
