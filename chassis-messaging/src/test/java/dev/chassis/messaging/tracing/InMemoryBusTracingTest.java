package dev.chassis.messaging.tracing;

import static dev.chassis.messaging.tracing.TracingFixture.ATTEMPT;
import static dev.chassis.messaging.tracing.TracingFixture.DESTINATION;
import static dev.chassis.messaging.tracing.TracingFixture.ERROR_TYPE;
import static dev.chassis.messaging.tracing.TracingFixture.MESSAGE_ID;
import static dev.chassis.messaging.tracing.TracingFixture.OPERATION_NAME;
import static dev.chassis.messaging.tracing.TracingFixture.OPERATION_TYPE;
import static dev.chassis.messaging.tracing.TracingFixture.ROUTING_KEY;
import static dev.chassis.messaging.tracing.TracingFixture.SUBSCRIPTION;
import static dev.chassis.messaging.tracing.TracingFixture.SYSTEM;
import static dev.chassis.messaging.tracing.TracingFixture.envelope;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.chassis.core.RetryableException;
import dev.chassis.core.bus.Delivery;
import dev.chassis.core.bus.PublishException;
import dev.chassis.core.bus.RetryPolicy;
import dev.chassis.core.bus.Subscription;
import dev.chassis.core.envelope.Envelope;
import dev.chassis.messaging.InMemoryEventBus;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class InMemoryBusTracingTest {
    private static final RetryPolicy FAST = RetryPolicy.builder().maxAttempts(3).initialDelay(Duration.ofMillis(10))
            .multiplier(1).maxDelay(Duration.ofMillis(10)).build();

    private final TracingFixture tracing = new TracingFixture();
    private final OpenTelemetry openTelemetry = tracing.openTelemetry;
    private final InMemoryEventBus bus = InMemoryEventBus.create(b -> b.openTelemetry(openTelemetry));

    @AfterEach
    void tearDown() {
        bus.close();
        tracing.close();
    }

    @Test
    void consumerContinuesTheTraceOfThePublishSpanWhichContinuesThePublisher() {
        // given
        List<SpanContext> seenByHandler = new CopyOnWriteArrayList<>();
        List<Delivery> deliveries = new CopyOnWriteArrayList<>();
        bus.subscribe(Subscription.builder("billing").topic("order.placed").handler(d -> {
            seenByHandler.add(Span.current().getSpanContext());
            deliveries.add(d);
        }).build());
        Envelope envelope = envelope("o-1");
        Span request = openTelemetry.getTracer("test").spanBuilder("request").startSpan();

        // when
        try (Scope s = request.makeCurrent()) {
            bus.publish("order.placed", envelope).toCompletableFuture().join();
        } finally {
            request.end();
        }

        // then
        SpanData publish = tracing.awaitSpans(SpanKind.PRODUCER, 1).get(0);
        SpanData process = tracing.awaitSpans(SpanKind.CONSUMER, 1).get(0);
        assertThat(publish.getName()).isEqualTo("publish order.placed");
        assertThat(publish.getTraceId()).isEqualTo(request.getSpanContext().getTraceId());
        assertThat(publish.getParentSpanId()).isEqualTo(request.getSpanContext().getSpanId());
        assertThat(publish.getAttributes().get(SYSTEM)).isEqualTo("in_memory");
        assertThat(publish.getAttributes().get(DESTINATION)).isEqualTo("order.placed");
        assertThat(publish.getAttributes().get(MESSAGE_ID)).isEqualTo(envelope.id());
        assertThat(publish.getAttributes().get(OPERATION_NAME)).isEqualTo("publish");
        assertThat(publish.getAttributes().get(OPERATION_TYPE)).isEqualTo("send");
        assertThat(publish.getAttributes().get(ROUTING_KEY)).isNull();
        assertThat(publish.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);

        assertThat(process.getName()).isEqualTo("process billing");
        assertThat(process.getTraceId()).isEqualTo(publish.getTraceId());
        assertThat(process.getParentSpanId()).isEqualTo(publish.getSpanId());
        assertThat(process.getAttributes().get(SYSTEM)).isEqualTo("in_memory");
        assertThat(process.getAttributes().get(DESTINATION)).isEqualTo("order.placed");
        assertThat(process.getAttributes().get(SUBSCRIPTION)).isEqualTo("billing");
        assertThat(process.getAttributes().get(MESSAGE_ID)).isEqualTo(envelope.id());
        assertThat(process.getAttributes().get(OPERATION_TYPE)).isEqualTo("process");
        assertThat(process.getAttributes().get(ATTEMPT)).isEqualTo(1L);
        assertThat(process.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);

        assertThat(seenByHandler).singleElement().satisfies(current ->
                assertThat(current.getSpanId()).isEqualTo(process.getSpanId()));
        assertThat(deliveries.get(0).envelope().traceparent()).hasValueSatisfying(traceparent ->
                assertThat(traceparent).startsWith("00-" + publish.getTraceId() + "-" + publish.getSpanId() + "-"));
    }

    @Test
    void eachAttemptGetsAProcessSpanAndFailedOnesHaveErrorStatus() {
        // given
        bus.subscribe(Subscription.builder("flaky").topic("order.placed").retry(FAST).handler(d -> {
            if (d.attempt() < 3) {
                throw new RetryableException("not yet, attempt " + d.attempt());
            }
        }).build());

        // when
        bus.publish("order.placed", envelope("o-2")).toCompletableFuture().join();

        // then
        SpanData publish = tracing.awaitSpans(SpanKind.PRODUCER, 1).get(0);
        List<SpanData> processes = tracing.awaitSpans(SpanKind.CONSUMER, 3);
        assertThat(processes).extracting(s -> s.getAttributes().get(ATTEMPT)).containsExactly(1L, 2L, 3L);
        assertThat(processes).allSatisfy(s -> {
            assertThat(s.getTraceId()).isEqualTo(publish.getTraceId());
            assertThat(s.getParentSpanId()).isEqualTo(publish.getSpanId());
        });
        assertThat(processes).extracting(s -> s.getStatus().getStatusCode())
                .containsExactly(StatusCode.ERROR, StatusCode.ERROR, StatusCode.UNSET);
        SpanData failed = processes.get(0);
        assertThat(failed.getStatus().getDescription()).isEqualTo("not yet, attempt 1");
        assertThat(failed.getAttributes().get(ERROR_TYPE)).isEqualTo(RetryableException.class.getName());
        assertThat(failed.getEvents()).extracting(e -> e.getName()).containsExactly("exception");
        System.out.println("attempts=3 processSpans=" + processes.size() + " failedSpans="
                + processes.stream().filter(s -> s.getStatus().getStatusCode() == StatusCode.ERROR).count());
    }

    @Test
    void aPublishThatFailsEndsItsSpanWithErrorStatus() {
        // given
        bus.close();

        // when
        assertThatThrownBy(() -> bus.publish("order.placed", envelope("o-3")).toCompletableFuture().join())
                .isInstanceOf(CompletionException.class).hasCauseInstanceOf(PublishException.class);

        // then
        SpanData publish = tracing.awaitSpans(SpanKind.PRODUCER, 1).get(0);
        assertThat(publish.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(publish.getAttributes().get(ERROR_TYPE)).isEqualTo(PublishException.class.getName());
        assertThat(publish.getEvents()).extracting(e -> e.getName()).containsExactly("exception");
    }

    @Test
    void withTheNoopOpenTelemetryOnlyTheCallersTraceContextTravels() {
        // given
        try (InMemoryEventBus quiet = InMemoryEventBus.create(b -> b.openTelemetry(OpenTelemetry.noop()))) {
            List<SpanContext> seenByHandler = new CopyOnWriteArrayList<>();
            List<Envelope> received = new CopyOnWriteArrayList<>();
            quiet.subscribe(Subscription.builder("quiet").topic("order.placed").handler(d -> {
                seenByHandler.add(Span.current().getSpanContext());
                received.add(d.envelope());
            }).build());
            Span request = openTelemetry.getTracer("test").spanBuilder("request").startSpan();

            // when
            try (Scope s = request.makeCurrent()) {
                quiet.publish("order.placed", envelope("traced")).toCompletableFuture().join();
            } finally {
                request.end();
            }
            quiet.publish("order.placed", envelope("untraced")).toCompletableFuture().join();

            // then
            await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 2);
            assertThat(received.get(0).traceparent()).hasValueSatisfying(traceparent -> assertThat(traceparent)
                    .startsWith("00-" + request.getSpanContext().getTraceId() + "-" + request.getSpanContext().getSpanId()));
            assertThat(received.get(1).traceparent()).isEmpty();
            assertThat(seenByHandler.get(0).getSpanId()).isEqualTo(request.getSpanContext().getSpanId());
            assertThat(seenByHandler.get(1).isValid()).isFalse();
            assertThat(tracing.exporter.getFinishedSpanItems()).extracting(SpanData::getName).containsExactly("request");
        }
    }

    @Test
    void docsSampleTracesTheInMemoryBus() {
        // given
        InMemoryEventBus bus = InMemoryEventBus.create(b -> b.openTelemetry(openTelemetry));

        // when
        try (bus) {
            bus.subscribe(Subscription.builder("billing").topic("order.placed").handler(d -> { }).build());
            bus.publish("order.placed", envelope("o-4")).toCompletableFuture().join();

            // then
            assertThat(tracing.awaitSpans(SpanKind.CONSUMER, 1)).extracting(SpanData::getName)
                    .containsExactly("process billing");
        }
    }

    @Test
    void aBusWithoutAnInstanceLeavesTheGlobalUnsetSoTelemetryCanStillRegister() {
        // given: nothing registered yet, as in an application that builds its bus first
        GlobalOpenTelemetry.resetForTest();
        try (InMemoryEventBus plain = InMemoryEventBus.create()) {
            List<String> handled = new CopyOnWriteArrayList<>();
            plain.subscribe(Subscription.builder("plain").topic("order.placed")
                    .handler(d -> handled.add(d.envelope().id())).build());

            // when
            plain.publish("order.placed", envelope("early")).toCompletableFuture().join();
            await().atMost(Duration.ofSeconds(5)).until(() -> handled.size() == 1);

            // then: a later registration is not refused
            assertThat(GlobalOpenTelemetry.isSet()).isFalse();
        } finally {
            GlobalOpenTelemetry.resetForTest();
        }
    }
}
