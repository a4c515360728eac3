package dev.chassis.messaging.outbox;

import dev.chassis.core.bus.MessageCorrelation;
import dev.chassis.core.bus.TopicPattern;
import dev.chassis.core.envelope.Envelope;
import dev.chassis.core.outbox.OutboxMessage;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import java.util.stream.Collectors;

/**
 * Checks the topic and captures the writer's context into a message when it is added: the relay publishes later on its
 * own thread, where neither the writer's correlation nor its span is current any more. Ids and
 * trace context already on the envelope are kept. Stateless and thread-safe.
 */
final class CreationContext {
    private CreationContext() {
    }

    static OutboxMessage stamp(OutboxMessage message) {
        // a topic the bus would refuse would block its ordering key forever; refuse it at write time
        TopicPattern.checkTopic(message.topic());
        Envelope stamped = withTraceContext(MessageCorrelation.stamp(message.envelope()));
        return stamped.equals(message.envelope()) ? message
                : new OutboxMessage(message.topic(), message.orderingKey(), stamped);
    }

    private static Envelope withTraceContext(Envelope envelope) {
        SpanContext span = Span.current().getSpanContext();
        if (envelope.traceparent().isPresent() || !span.isValid()) {
            return envelope;
        }
        Envelope.Builder b = envelope.toBuilder().traceparent("00-" + span.getTraceId() + "-" + span.getSpanId() + "-"
                + span.getTraceFlags().asHex());
        if (!span.getTraceState().isEmpty() && envelope.tracestate().isEmpty()) {
            b.tracestate(span.getTraceState().asMap().entrySet().stream()
                    .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(",")));
        }
        return b.build();
    }
}
