package dev.chassis.core.bus;

import dev.chassis.core.envelope.Envelope;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;

/**
 * Builds the PRODUCER and CONSUMER spans of the OpenTelemetry messaging conventions. The attribute
 * names are spelled out here because the API ships no semantic-convention constants. Stateless.
 */
final class MessageSpans {
    static final String SCOPE = "dev.chassis.messaging";
    static final String RABBITMQ = "rabbitmq";

    static final AttributeKey<String> SYSTEM = AttributeKey.stringKey("messaging.system");
    static final AttributeKey<String> DESTINATION = AttributeKey.stringKey("messaging.destination.name");
    static final AttributeKey<String> SUBSCRIPTION = AttributeKey.stringKey("messaging.destination.subscription.name");
    static final AttributeKey<String> OPERATION_NAME = AttributeKey.stringKey("messaging.operation.name");
    static final AttributeKey<String> OPERATION_TYPE = AttributeKey.stringKey("messaging.operation.type");
    static final AttributeKey<String> MESSAGE_ID = AttributeKey.stringKey("messaging.message.id");
    static final AttributeKey<String> ROUTING_KEY = AttributeKey.stringKey("messaging.rabbitmq.destination.routing_key");
    static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("chassis.messaging.attempt");
    static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

    private MessageSpans() {
    }

    static Span publish(OpenTelemetry telemetry, String system, String destination, String topic, Envelope envelope,
            Context parent) {
        SpanBuilder b = tracer(telemetry).spanBuilder("publish " + topic)
                .setSpanKind(SpanKind.PRODUCER)
                .setParent(parent)
                .setAttribute(OPERATION_NAME, "publish")
                .setAttribute(OPERATION_TYPE, "send");
        return common(b, system, destination, topic, envelope).startSpan();
    }

    static Span process(OpenTelemetry telemetry, String system, String destination, Delivery delivery, Context parent) {
        SpanBuilder b = tracer(telemetry).spanBuilder("process " + delivery.queue())
                .setSpanKind(SpanKind.CONSUMER)
                .setParent(parent)
                .setAttribute(OPERATION_NAME, "process")
                .setAttribute(OPERATION_TYPE, "process")
                .setAttribute(SUBSCRIPTION, delivery.queue())
                .setAttribute(ATTEMPT, (long) delivery.attempt());
        return common(b, system, destination, delivery.topic(), delivery.envelope()).startSpan();
    }

    /** Marks a span failed, keeping the exception as a span event. */
    static void fail(Span span, Throwable failure) {
        span.setStatus(StatusCode.ERROR, String.valueOf(failure.getMessage()));
        span.setAttribute(ERROR_TYPE, failure.getClass().getName());
        span.recordException(failure);
    }

    private static SpanBuilder common(SpanBuilder b, String system, String destination, String topic, Envelope envelope) {
        b.setAttribute(SYSTEM, system)
                .setAttribute(DESTINATION, destination)
                .setAttribute(MESSAGE_ID, envelope.id());
        if (RABBITMQ.equals(system)) {
            b.setAttribute(ROUTING_KEY, topic);
        }
        return b;
    }

    private static Tracer tracer(OpenTelemetry telemetry) {
        return telemetry.getTracer(SCOPE);
    }
}
