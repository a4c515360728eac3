package dev.chassis.core.bus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chassis.core.envelope.Envelope;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MessageSpansTest {
    private static final String STORED = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
    private final OpenTelemetrySdk telemetry = OpenTelemetrySdk.builder()
            .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter)).build())
            .build();

    @AfterEach
    void closeTelemetry() {
        telemetry.close();
    }

    @Test
    void keepsAStoredTraceparentAndMakesThePublishSpanItsChild() {
        // given
        Envelope stored = envelope().toBuilder().traceparent(STORED).build();
        List<Envelope> sent = new CopyOnWriteArrayList<>();

        // when
        MessageCorrelation.publish(telemetry, "rabbitmq", "chassis.events", "order.placed", stored, e -> {
            sent.add(e);
            return CompletableFuture.completedFuture(null);
        }).toCompletableFuture().join();

        // then
        assertThat(sent).singleElement().satisfies(e -> assertThat(e.traceparent()).contains(STORED));
        SpanData publish = exporter.getFinishedSpanItems().get(0);
        assertThat(publish.getKind()).isEqualTo(SpanKind.PRODUCER);
        assertThat(publish.getTraceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(publish.getParentSpanId()).isEqualTo("00f067aa0ba902b7");
        assertThat(publish.getAttributes().get(AttributeKey.stringKey("messaging.rabbitmq.destination.routing_key")))
                .isEqualTo("order.placed");
    }

    @Test
    void passesTheSendersFailureThroughUnchangedAndMarksTheSpan() {
        // given
        PublishException nacked = new PublishException(PublishException.Reason.NACKED, "order.placed", "m-1", "nacked", null);

        // when
        CompletionStage<Void> stage = MessageCorrelation.publish(telemetry, "rabbitmq", "chassis.events",
                "order.placed", envelope(), e -> CompletableFuture.failedFuture(nacked));

        // then
        assertThat(stage.toCompletableFuture()).isCompletedExceptionally();
        stage.whenComplete((ok, failure) -> assertThat(failure).isSameAs(nacked));
        SpanData publish = exporter.getFinishedSpanItems().get(0);
        assertThat(publish.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(publish.getAttributes().get(AttributeKey.stringKey("error.type")))
                .isEqualTo(PublishException.class.getName());
    }

    @Test
    void endsTheSpanWhenTheSenderThrows() {
        // when
        assertThatThrownBy(() -> MessageCorrelation.publish(telemetry, "rabbitmq", "chassis.events", "order.placed",
                envelope(), e -> {
                    throw new IllegalStateException("channel closed");
                })).hasMessage("channel closed");

        // then
        assertThat(exporter.getFinishedSpanItems()).singleElement()
                .satisfies(s -> assertThat(s.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR));
    }

    private static Envelope envelope() {
        return Envelope.builder().type("order.placed").source("/orders").data("text/plain", new byte[] {1}).build();
    }
}
