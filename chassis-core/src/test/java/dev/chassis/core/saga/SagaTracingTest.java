package dev.chassis.core.saga;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chassis.core.context.CorrelationContext;
import dev.chassis.core.envelope.Envelope;
import dev.chassis.core.saga.OrderSagaWorld.Order;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SagaTracingTest {
    private final InMemorySpanExporter spans = InMemorySpanExporter.create();
    private final InMemoryMetricReader metrics = InMemoryMetricReader.create();
    private final OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
            .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
            .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(metrics).build())
            .build();
    private final OrderSagaWorld world = new OrderSagaWorld();
    private final SagaOrchestrator orchestrator = SagaOrchestrator.builder(world.store)
            .definition(world.definition)
            .clock(world.clock)
            .openTelemetry(sdk)
            .build();

    @AfterEach
    void closeSdk() {
        sdk.close();
    }

    @Test
    void eachCallIsAnInternalSpanAndEachCommandAProducerSpanWhoseContextTheCommandCarries() {
        // given
        Span request = sdk.getTracer("test").spanBuilder("POST /orders").startSpan();

        // when
        String sagaId;
        List<SagaMessage> sent = new ArrayList<>();
        try (Scope scope = request.makeCurrent()) {
            sagaId = orchestrator.start(world.definition, new Order("o-1", 1, 100));
            sent.addAll(world.outbox);
        } finally {
            request.end();
        }
        world.pump(orchestrator);

        // then
        assertThat(world.state(sagaId)).isEqualTo(SagaState.COMPLETED);
        SpanData register = span("saga order-saga register-order");
        assertThat(register.getKind()).isEqualTo(SpanKind.INTERNAL);
        assertThat(register.getParentSpanId()).isEqualTo(request.getSpanContext().getSpanId());
        assertThat(register.getAttributes().get(AttributeKey.stringKey("chassis.saga.type"))).isEqualTo("order-saga");
        assertThat(register.getAttributes().get(AttributeKey.stringKey("chassis.saga.id"))).isEqualTo(sagaId);
        assertThat(register.getAttributes().get(AttributeKey.stringKey("chassis.saga.step"))).isEqualTo("register-order");
        assertThat(register.getAttributes().get(AttributeKey.stringKey("chassis.saga.phase"))).isEqualTo("action");
        SpanData reserve = span("saga order-saga reserve-inventory");
        assertThat(reserve.getKind()).isEqualTo(SpanKind.PRODUCER);
        assertThat(reserve.getTraceId()).isEqualTo(request.getSpanContext().getTraceId());
        assertThat(reserve.getAttributes().get(AttributeKey.stringKey("messaging.destination.name"))).isEqualTo("inventory");
        Envelope command = sent.get(0).envelope();
        assertThat(command.traceparent()).hasValueSatisfying(tp ->
                assertThat(tp).startsWith("00-" + reserve.getTraceId() + "-" + reserve.getSpanId() + "-"));
        assertThat(command.correlationId()).hasValue(sagaId);
        assertThat(spans.getFinishedSpanItems()).extracting(SpanData::getName).contains(
                "saga order-saga process-payment", "saga order-saga confirm-order", "saga order-saga schedule-shipping");
        assertThat(outcomes()).containsEntry(Attributes.of(AttributeKey.stringKey("chassis.saga.type"), "order-saga",
                AttributeKey.stringKey("chassis.saga.outcome"), "completed"), 1L);
    }

    @Test
    void aCallRunsWithTheSagaIdAsCorrelationAndItsSpanCurrent() {
        // given
        Map<String, String> seen = new ConcurrentHashMap<>();
        SagaDefinition<Order> definition = SagaDefinition.builder("audit-saga", Order.class)
                .step("audit", step -> step.action(SagaAction.call((order, key) -> {
                    seen.put("correlationId", CorrelationContext.current().map(CorrelationContext::correlationId).orElse("none"));
                    seen.put("spanId", Span.current().getSpanContext().getSpanId());
                    return order;
                })))
                .build();
        SagaOrchestrator audits = SagaOrchestrator.builder(world.store).definition(definition).clock(world.clock)
                .openTelemetry(sdk).build();

        // when
        String sagaId = audits.start(definition, "audit-1", new Order("o-2", 1, 5));

        // then
        assertThat(sagaId).isEqualTo("audit-1");
        assertThat(seen).containsEntry("correlationId", "audit-1")
                .containsEntry("spanId", span("saga audit-saga audit").getSpanId());
        assertThat(CorrelationContext.current()).isEmpty();
    }

    @Test
    void aFailedCallMarksItsSpanAndACompensatedSagaIsCountedAsCompensated() {
        // given
        world.declinePayments = true;
        world.cancelFailures.set(1);

        // when
        String sagaId = orchestrator.start(world.definition, new Order("o-1", 1, 100));
        world.pump(orchestrator);
        world.advance(orchestrator, Duration.ofSeconds(5));

        // then
        assertThat(world.state(sagaId)).isEqualTo(SagaState.COMPENSATED);
        List<SpanData> cancels = spans.getFinishedSpanItems().stream()
                .filter(s -> s.getName().equals("saga order-saga register-order compensation")).toList();
        assertThat(cancels).hasSize(2);
        assertThat(cancels.get(0).getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(cancels.get(0).getAttributes().get(AttributeKey.stringKey("error.type")))
                .isEqualTo(IllegalStateException.class.getName());
        assertThat(cancels.get(1).getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
        assertThat(cancels.get(1).getAttributes().get(AttributeKey.longKey("chassis.saga.attempt"))).isEqualTo(2);
        assertThat(span("saga order-saga reserve-inventory compensation").getKind()).isEqualTo(SpanKind.PRODUCER);
        assertThat(outcomes()).containsEntry(Attributes.of(AttributeKey.stringKey("chassis.saga.type"), "order-saga",
                AttributeKey.stringKey("chassis.saga.outcome"), "compensated"), 1L);
    }

    @Test
    void theGuidesOrchestratorSampleTracesWithTheGivenOpenTelemetry() {
        // given
        SagaStore store = world.store;
        SagaDefinition<Order> orderSaga = world.definition;
        OpenTelemetry openTelemetry = sdk;

        // when
        SagaOrchestrator orchestrator = SagaOrchestrator.builder(store)
                .definition(orderSaga)
                .openTelemetry(openTelemetry)
                .build();
        orchestrator.start(orderSaga, new Order("o-3", 1, 10));

        // then
        assertThat(span("saga order-saga register-order").getKind()).isEqualTo(SpanKind.INTERNAL);
    }

    private SpanData span(String name) {
        List<SpanData> found = spans.getFinishedSpanItems().stream().filter(s -> s.getName().equals(name)).toList();
        assertThat(found).hasSize(1);
        return found.get(0);
    }

    private Map<Attributes, Long> outcomes() {
        Map<Attributes, Long> counts = new ConcurrentHashMap<>();
        metrics.collectAllMetrics().stream().filter(m -> m.getName().equals("chassis.saga.outcomes"))
                .flatMap(m -> m.getLongSumData().getPoints().stream())
                .forEach((LongPointData p) -> counts.put(p.getAttributes(), p.getValue()));
        return counts;
    }
}
