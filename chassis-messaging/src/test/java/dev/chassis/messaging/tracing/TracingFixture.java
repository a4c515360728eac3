package dev.chassis.messaging.tracing;

import static org.awaitility.Awaitility.await;

import dev.chassis.core.envelope.Envelope;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/** An OpenTelemetry SDK exporting to memory, and ways to find the messaging spans it recorded. */
final class TracingFixture implements AutoCloseable {
    static final AttributeKey<String> SYSTEM = AttributeKey.stringKey("messaging.system");
    static final AttributeKey<String> DESTINATION = AttributeKey.stringKey("messaging.destination.name");
    static final AttributeKey<String> SUBSCRIPTION = AttributeKey.stringKey("messaging.destination.subscription.name");
    static final AttributeKey<String> OPERATION_NAME = AttributeKey.stringKey("messaging.operation.name");
    static final AttributeKey<String> OPERATION_TYPE = AttributeKey.stringKey("messaging.operation.type");
    static final AttributeKey<String> MESSAGE_ID = AttributeKey.stringKey("messaging.message.id");
    static final AttributeKey<String> ROUTING_KEY = AttributeKey.stringKey("messaging.rabbitmq.destination.routing_key");
    static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("chassis.messaging.attempt");
    static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

    final InMemorySpanExporter exporter = InMemorySpanExporter.create();
    final OpenTelemetrySdk openTelemetry = OpenTelemetrySdk.builder()
            .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter)).build())
            .build();

    /** Waits until {@code count} ended spans of this kind are exported, and returns them in the order they ended. */
    List<SpanData> awaitSpans(SpanKind kind, int count) {
        await().atMost(Duration.ofSeconds(10)).until(() -> spans(kind).size() >= count);
        return spans(kind);
    }

    List<SpanData> spans(SpanKind kind) {
        return exporter.getFinishedSpanItems().stream().filter(s -> s.getKind() == kind).toList();
    }

    static Envelope envelope(String text) {
        return Envelope.builder().type("order.placed").source("/orders").data("text/plain",
                text.getBytes(StandardCharsets.UTF_8)).build();
    }

    @Override
    public void close() {
        openTelemetry.close();
    }
}
