package dev.chassis.core.bus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chassis.core.context.CorrelationContext;
import dev.chassis.core.context.CorrelationScope;
import dev.chassis.core.envelope.Envelope;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MessageCorrelationTest {
    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String SPAN_ID = "00f067aa0ba902b7";

    private static Envelope plain() {
        return Envelope.builder().id("m-1").type("t").source("/s").build();
    }

    @Test
    void stampKeepsIdsAlreadyOnTheEnvelope() {
        Envelope e = plain().withCorrelationId("c-1").withTraceContext("00-" + TRACE_ID + "-" + SPAN_ID + "-01", null);

        assertThat(MessageCorrelation.stamp(e)).isSameAs(e);
    }

    @Test
    void stampTakesCorrelationAndTraceFromTheCurrentContext() {
        // given
        SpanContext parent = SpanContext.create(TRACE_ID, SPAN_ID, TraceFlags.getSampled(), TraceState.getDefault());

        // when
        Envelope stamped;
        try (Scope trace = Context.root().with(Span.wrap(parent)).makeCurrent();
             CorrelationScope correlation = CorrelationContext.of("flow-1", "http-9").makeCurrent()) {
            stamped = MessageCorrelation.stamp(plain());
        }

        // then
        assertThat(stamped.correlationId()).contains("flow-1");
        assertThat(stamped.causationId()).contains("http-9");
        assertThat(stamped.traceparent()).contains("00-" + TRACE_ID + "-" + SPAN_ID + "-01");
    }

    @Test
    void stampStartsACorrelationWithoutContextAndAddsNoTrace() {
        Envelope stamped = MessageCorrelation.stamp(plain());

        assertThat(stamped.correlationId()).isPresent();
        assertThat(stamped.causationId()).isEmpty();
        assertThat(stamped.traceparent()).isEmpty();
    }

    @Test
    void invokeMakesTheMessagesCorrelationAndTraceCurrentAndRestoresAfterwards() throws Exception {
        // given
        Envelope e = plain().withCorrelationId("flow-2").withTraceContext("00-" + TRACE_ID + "-" + SPAN_ID + "-01", "k=v");
        List<String> seen = new ArrayList<>();

        // when
        MessageCorrelation.invoke(d -> {
            CorrelationContext ctx = CorrelationContext.current().orElseThrow();
            SpanContext span = Span.current().getSpanContext();
            seen.add(ctx.correlationId() + " " + ctx.causationId().orElseThrow() + " " + span.getTraceId() + " "
                    + span.getSpanId() + " " + span.isRemote() + " " + span.getTraceState().get("k"));
        }, new Delivery(e, "t", "q", 1, false));

        // then
        assertThat(seen).containsExactly("flow-2 m-1 " + TRACE_ID + " " + SPAN_ID + " true v");
        assertThat(CorrelationContext.current()).isEmpty();
        assertThat(Span.current().getSpanContext().isValid()).isFalse();
    }

    @Test
    void malformedTraceparentIsIgnoredAndCorrelationReplaced() throws Exception {
        Envelope e = plain().withCorrelationId("bad id\r\n").withTraceContext("00-zz-yy-01", null);
        List<Boolean> validSpan = new ArrayList<>();
        List<String> correlation = new ArrayList<>();

        MessageCorrelation.invoke(d -> {
            validSpan.add(Span.current().getSpanContext().isValid());
            correlation.add(CorrelationContext.current().orElseThrow().correlationId());
        }, new Delivery(e, "t", "q", 1, false));

        assertThat(validSpan).containsExactly(false);
        assertThat(correlation).singleElement().asString().doesNotContain("bad id").isNotBlank();
    }
}
