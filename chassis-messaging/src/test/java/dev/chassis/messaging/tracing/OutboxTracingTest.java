package dev.chassis.messaging.tracing;

import static dev.chassis.messaging.tracing.TracingFixture.envelope;
import static org.assertj.core.api.Assertions.assertThat;

import dev.chassis.core.bus.Subscription;
import dev.chassis.core.envelope.Envelope;
import dev.chassis.messaging.InMemoryEventBus;
import dev.chassis.messaging.outbox.InMemoryOutbox;
import dev.chassis.messaging.outbox.OutboxRelay;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OutboxTracingTest {
    private final TracingFixture tracing = new TracingFixture();
    private final InMemoryEventBus bus = InMemoryEventBus.create(b -> b.openTelemetry(tracing.openTelemetry));
    private final InMemoryOutbox outbox = InMemoryOutbox.create();
    private final OutboxRelay relay = OutboxRelay.builder().outbox(outbox).eventBus(bus)
            .pollInterval(Duration.ofMillis(50)).build();

    @AfterEach
    void tearDown() {
        relay.close();
        bus.close();
        tracing.close();
    }

    @Test
    void theConsumerContinuesTheWritersTraceNotTheRelays() {
        // given
        List<Envelope> received = new CopyOnWriteArrayList<>();
        List<SpanContext> seenByHandler = new CopyOnWriteArrayList<>();
        bus.subscribe(Subscription.builder("shipping").topic("order.placed").handler(d -> {
            received.add(d.envelope());
            seenByHandler.add(Span.current().getSpanContext());
        }).build());
        Span writer = tracing.openTelemetry.getTracer("test").spanBuilder("place order").startSpan();
        try (Scope s = writer.makeCurrent()) {
            outbox.add("order.placed", envelope("o-1"));
        } finally {
            writer.end();
        }

        // when the relay publishes later, on its own thread, outside the writer's span
        relay.start();

        // then
        SpanData process = tracing.awaitSpans(SpanKind.CONSUMER, 1).get(0);
        SpanData publish = tracing.awaitSpans(SpanKind.PRODUCER, 1).get(0);
        String writerTrace = writer.getSpanContext().getTraceId();
        assertThat(publish.getTraceId()).isEqualTo(writerTrace);
        assertThat(publish.getParentSpanId()).isEqualTo(writer.getSpanContext().getSpanId());
        assertThat(process.getTraceId()).isEqualTo(writerTrace);
        // the message keeps the context it was created in: the consumer is the writer's child
        assertThat(process.getParentSpanId()).isEqualTo(writer.getSpanContext().getSpanId());
        assertThat(received).singleElement().satisfies(e -> assertThat(e.traceparent()).hasValueSatisfying(tp ->
                assertThat(tp).startsWith("00-" + writerTrace + "-" + writer.getSpanContext().getSpanId() + "-")));
        assertThat(seenByHandler).singleElement().satisfies(c -> assertThat(c.getSpanId()).isEqualTo(process.getSpanId()));
    }
}
