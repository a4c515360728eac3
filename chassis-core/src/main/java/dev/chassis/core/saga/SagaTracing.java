package dev.chassis.core.saga;

import dev.chassis.core.context.CorrelationContext;
import dev.chassis.core.context.CorrelationScope;
import dev.chassis.core.envelope.Envelope;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The spans of saga steps and the {@value #OUTCOMES} counter, through the OpenTelemetry API only. A
 * step that calls a service is an {@code INTERNAL} span current while the call runs; a step that
 * sends a command is a {@code PRODUCER} span whose context the command carries, so the participant's
 * consumer span is its child. While a call runs, the saga id is the current correlation id (as it
 * is the correlation id of every command the saga sends), so log lines carry it. Thread-safe.
 */
final class SagaTracing {
    static final String SCOPE = "dev.chassis.saga";
    static final String OUTCOMES = "chassis.saga.outcomes";

    static final AttributeKey<String> TYPE = AttributeKey.stringKey("chassis.saga.type");
    static final AttributeKey<String> ID = AttributeKey.stringKey("chassis.saga.id");
    static final AttributeKey<String> STEP = AttributeKey.stringKey("chassis.saga.step");
    static final AttributeKey<String> PHASE = AttributeKey.stringKey("chassis.saga.phase");
    static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("chassis.saga.attempt");
    static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("chassis.saga.outcome");
    static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
    private static final AttributeKey<String> DESTINATION = AttributeKey.stringKey("messaging.destination.name");
    private static final AttributeKey<String> OPERATION_TYPE = AttributeKey.stringKey("messaging.operation.type");
    private static final AttributeKey<String> MESSAGE_ID = AttributeKey.stringKey("messaging.message.id");

    private final @Nullable OpenTelemetry configured;
    private volatile @Nullable Counter outcomes;

    SagaTracing(@Nullable OpenTelemetry configured) {
        this.configured = configured;
    }

    private OpenTelemetry openTelemetry() {
        OpenTelemetry c = configured;
        return c != null ? c : GlobalOpenTelemetry.getOrNoop();
    }

    /**
     * Starts the span of a step's call and makes it and the saga's correlation current.
     *
     * @return the running step; close it on this thread after {@link Step#failed(Throwable)} if the call failed
     */
    Step call(SagaDraft d, String stepName) {
        Span span = span(d.type, d.id, stepName, SagaEngine.phase(d.state), d.attempt, SpanKind.INTERNAL).startSpan();
        return new Step(span, correlation(d.id));
    }

    /**
     * Starts a {@code PRODUCER} span for each command about to be saved, under the current context,
     * and puts its trace context into the command; the list's commands are replaced by the stamped ones.
     *
     * @return the spans, to {@linkplain #end(List, Throwable) end} once the save is done
     */
    List<Span> send(String type, List<SagaMessage> outgoing) {
        if (outgoing.isEmpty()) {
            return List.of();
        }
        List<Span> spans = new ArrayList<>(outgoing.size());
        for (int i = 0; i < outgoing.size(); i++) {
            SagaMessage m = outgoing.get(i);
            Envelope e = m.envelope();
            String step = e.extension(SagaEnvelopes.SAGA_STEP).map(Object::toString).orElse("?");
            String phase = e.extension(SagaEnvelopes.SAGA_PHASE).map(Object::toString).orElse("?");
            long attempt = e.extension(SagaEnvelopes.SAGA_ATTEMPT).map(a -> Long.parseLong(a.toString())).orElse(1L);
            Span span = span(type, m.key(), step, phase, attempt, SpanKind.PRODUCER)
                    .setAttribute(DESTINATION, m.topic())
                    .setAttribute(OPERATION_TYPE, "send")
                    .setAttribute(MESSAGE_ID, e.id())
                    .startSpan();
            spans.add(span);
            if (e.traceparent().isEmpty() && span.getSpanContext().isValid()) {
                Map<String, String> carrier = new HashMap<>(4);
                W3CTraceContextPropagator.getInstance().inject(Context.current().with(span), carrier, Map::put);
                Envelope traced = e.withTraceContext(carrier.get(Envelope.TRACEPARENT), carrier.get(Envelope.TRACESTATE));
                outgoing.set(i, new SagaMessage(m.topic(), m.key(), traced));
            }
        }
        return spans;
    }

    /** Ends the spans of sent commands; a failed save marks them as errors. */
    static void end(List<Span> spans, @Nullable Throwable failure) {
        for (Span s : spans) {
            if (failure != null) {
                fail(s, failure);
            }
            s.end();
        }
    }

    /** Counts a saga that reached a final state. */
    void outcome(String type, SagaState state) {
        String outcome = switch (state) {
            case COMPLETED -> "completed";
            case COMPENSATED -> "compensated";
            default -> "failed";
        };
        counter().add(1, Attributes.of(TYPE, type, OUTCOME, outcome));
    }

    private SpanBuilder span(String type, String id, String step, String phase, long attempt, SpanKind kind) {
        return openTelemetry().getTracer(SCOPE)
                .spanBuilder("saga " + type + " " + step + (SagaEnvelopes.COMPENSATION.equals(phase) ? " compensation" : ""))
                .setSpanKind(kind)
                .setParent(Context.current())
                .setAttribute(TYPE, type)
                .setAttribute(ID, id)
                .setAttribute(STEP, step)
                .setAttribute(PHASE, phase)
                .setAttribute(ATTEMPT, attempt);
    }

    private static CorrelationContext correlation(String sagaId) {
        return CorrelationContext.fromIncoming(sagaId, null);
    }

    private static void fail(Span span, Throwable failure) {
        span.setStatus(StatusCode.ERROR, String.valueOf(failure.getMessage()));
        span.setAttribute(ERROR_TYPE, failure.getClass().getName());
        span.recordException(failure);
    }

    private LongCounter counter() {
        OpenTelemetry current = openTelemetry();
        Counter c = outcomes;
        if (c == null || c.telemetry != current) {
            c = new Counter(current, current.getMeter(SCOPE).counterBuilder(OUTCOMES)
                    .setDescription("Sagas that ended, by type and outcome (completed, compensated, failed).")
                    .setUnit("{saga}")
                    .build());
            outcomes = c;
        }
        return c.counter;
    }

    private record Counter(OpenTelemetry telemetry, LongCounter counter) {
    }

    /** A step's call in progress: its span and the saga's correlation are current until {@link #close()}. */
    static final class Step implements AutoCloseable {
        private final Span span;
        private final Scope trace;
        private final CorrelationScope correlation;

        private Step(Span span, CorrelationContext correlation) {
            this.span = span;
            this.trace = span.makeCurrent();
            this.correlation = correlation.makeCurrent();
        }

        /** Marks the step's span failed. */
        void failed(Throwable failure) {
            fail(span, failure);
        }

        @Override
        public void close() {
            correlation.close();
            trace.close();
            span.end();
        }
    }
}
