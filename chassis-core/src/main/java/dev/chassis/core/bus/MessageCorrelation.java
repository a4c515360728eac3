package dev.chassis.core.bus;

import static java.util.Objects.requireNonNull;

import dev.chassis.core.context.CorrelationContext;
import dev.chassis.core.context.CorrelationScope;
import dev.chassis.core.envelope.Envelope;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * How correlation and trace context travel through the bus, shared by every {@link EventBus}
 * implementation so they behave alike.
 *
 * <ul>
 *   <li>On publish, {@link #stamp(Envelope)} fills a missing {@code correlationid} (and
 *       {@code causationid}) from the publisher's current {@link CorrelationContext}, or starts a new
 *       correlation when there is none; and a missing {@code traceparent}/{@code tracestate} from the
 *       current OpenTelemetry span, if it is valid. Values already on the envelope are kept.</li>
 *   <li>On delivery, {@link #invoke(EventHandler, Delivery)} runs the handler with the envelope's
 *       correlation current (the envelope's id as the causation, so whatever the handler publishes is
 *       correlated with, and caused by, the message it handles) and with the envelope's trace context
 *       as the current OpenTelemetry context. Invalid incoming ids are replaced, never echoed.</li>
 * </ul>
 *
 * <p>{@link #publish(OpenTelemetry, String, String, String, Envelope, Function)} and
 * {@link #invoke(OpenTelemetry, String, String, EventHandler, Delivery)} do the same inside the spans of
 * the OpenTelemetry messaging conventions: a PRODUCER span {@code publish <topic>} whose context the
 * envelope carries (unless it already carries one, e.g. the writer's context stored by an outbox,
 * which is kept, the span then being its child), and a CONSUMER span {@code process <queue>}, child
 * of the envelope's context, current while the handler runs. Both also record the bus metrics of
 * {@link MessageMetrics}: messages sent and consumed, and the durations of publishing and processing.
 *
 * <p>Uses only the OpenTelemetry API; without an SDK installed, spans are no-ops and only the
 * propagated ids travel. Stateless and thread-safe.
 */
public final class MessageCorrelation {
    private static final W3CTraceContextPropagator W3C = W3CTraceContextPropagator.getInstance();
    private static final TextMapGetter<Envelope> ENVELOPE_GETTER = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Envelope carrier) {
            return List.of(Envelope.TRACEPARENT, Envelope.TRACESTATE);
        }

        @Override
        public @Nullable String get(@Nullable Envelope carrier, String key) {
            if (carrier == null) {
                return null;
            }
            return carrier.extension(key).map(Object::toString).orElse(null);
        }
    };

    private MessageCorrelation() {
    }

    /**
     * Fills missing correlation and trace attributes of an outgoing envelope.
     *
     * @param envelope the envelope about to be published
     * @return the envelope, or a copy with the missing attributes set
     */
    public static Envelope stamp(Envelope envelope) {
        requireNonNull(envelope, "envelope");
        boolean needsCorrelation = envelope.correlationId().isEmpty();
        boolean needsTrace = envelope.traceparent().isEmpty() && Span.current().getSpanContext().isValid();
        if (!needsCorrelation && !needsTrace) {
            return envelope;
        }
        Envelope.Builder b = envelope.toBuilder();
        if (needsCorrelation) {
            Optional<CorrelationContext> current = CorrelationContext.current();
            if (current.isEmpty()) {
                b.correlationId(CorrelationContext.generate().correlationId());
            } else {
                b.correlationId(current.get().correlationId());
                if (envelope.causationId().isEmpty()) {
                    current.get().causationId().ifPresent(b::causationId);
                }
            }
        }
        if (needsTrace) {
            Map<String, String> carrier = new HashMap<>(4);
            W3C.inject(Context.current(), carrier, Map::put);
            b.traceparent(carrier.get(Envelope.TRACEPARENT));
            b.tracestate(carrier.get(Envelope.TRACESTATE));
        }
        return b.build();
    }

    /**
     * The correlation a handler of this envelope runs in.
     *
     * @param envelope a delivered envelope
     * @return its correlation id (a new one if missing or invalid) caused by the envelope's id
     */
    public static CorrelationContext of(Envelope envelope) {
        requireNonNull(envelope, "envelope");
        return CorrelationContext.fromIncoming(envelope.correlationId().orElse(null), envelope.id());
    }

    /**
     * The OpenTelemetry context carried by an envelope: its remote parent span, or the root context
     * when it carries none or an invalid one.
     *
     * @param envelope a delivered envelope
     * @return the extracted context
     */
    public static Context traceContext(Envelope envelope) {
        requireNonNull(envelope, "envelope");
        return W3C.extract(Context.root(), envelope, ENVELOPE_GETTER);
    }

    /**
     * Runs a handler with the delivery's correlation and trace context current, restoring the
     * thread's previous state afterwards.
     *
     * @param handler the subscription's handler
     * @param delivery the delivery
     * @throws Exception what the handler threw
     */
    public static void invoke(EventHandler handler, Delivery delivery) throws Exception {
        requireNonNull(handler, "handler");
        requireNonNull(delivery, "delivery");
        Envelope envelope = delivery.envelope();
        try (Scope trace = traceContext(envelope).makeCurrent();
             CorrelationScope correlation = of(envelope).makeCurrent()) {
            handler.handle(delivery);
        }
    }

    /**
     * Publishes inside a PRODUCER span {@code publish <topic>} that ends when {@code send}'s stage
     * completes, with error status if it fails. An envelope without a {@code traceparent} gets the
     * span's context (so the consumer continues this trace as the span's child); an envelope that
     * already carries one keeps it, since that is the context the message was created in, and the
     * span becomes a child of it.
     *
     * <pre>{@code
     * MessageCorrelation.publish(telemetry, "rabbitmq", exchange, topic, envelope, stamped -> send(topic, stamped));
     * }</pre>
     *
     * @param telemetry where the tracer comes from; {@link OpenTelemetry#noop()} for no spans
     * @param system the {@code messaging.system} value, e.g. {@code rabbitmq}
     * @param destination the {@code messaging.destination.name} value: the exchange for RabbitMQ
     * @param topic the topic, part of the span name (and the routing key for RabbitMQ)
     * @param envelope the envelope to publish
     * @param send sends the stamped envelope; called once, with the span current
     * @return {@code send}'s stage
     */
    public static CompletionStage<Void> publish(OpenTelemetry telemetry, String system, String destination, String topic,
            Envelope envelope, Function<Envelope, ? extends CompletionStage<Void>> send) {
        requireNonNull(telemetry, "telemetry");
        requireNonNull(system, "system");
        requireNonNull(destination, "destination");
        requireNonNull(topic, "topic");
        requireNonNull(envelope, "envelope");
        requireNonNull(send, "send");
        boolean carriesContext = envelope.traceparent().isPresent();
        Context parent = carriesContext ? traceContext(envelope) : Context.current();
        long start = System.nanoTime();
        Span span = MessageSpans.publish(telemetry, system, destination, topic, envelope, parent);
        CompletionStage<Void> sent;
        try (Scope scope = parent.with(span).makeCurrent()) {
            sent = send.apply(stamp(envelope));
        } catch (RuntimeException | Error e) {
            MessageSpans.fail(span, e);
            span.end();
            MessageMetrics.published(telemetry, system, destination, start, e);
            throw e;
        }
        if (sent == null) {
            span.end();
            throw new IllegalStateException("send returned no stage");
        }
        // a stage of our own, completed with the very outcome of send's, so callers see no extra wrapping
        CompletableFuture<Void> result = new CompletableFuture<>();
        sent.whenComplete((ok, failure) -> {
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            if (cause != null) {
                MessageSpans.fail(span, cause);
            }
            span.end();
            MessageMetrics.published(telemetry, system, destination, start, cause);
            if (failure != null) {
                result.completeExceptionally(failure);
            } else {
                result.complete(ok);
            }
        });
        return result;
    }

    /**
     * Runs a handler like {@link #invoke(EventHandler, Delivery)}, inside a CONSUMER span
     * {@code process <queue>} that is a child of the envelope's trace context and current while the
     * handler runs (so its logs and outgoing calls continue the producer's trace). A handler failure
     * sets error status and records the exception; each attempt gets a span of its own, carrying the
     * attempt number as {@code chassis.messaging.attempt}.
     *
     * @param telemetry where the tracer comes from; {@link OpenTelemetry#noop()} for no spans
     * @param system the {@code messaging.system} value, e.g. {@code rabbitmq}
     * @param destination the {@code messaging.destination.name} value: the exchange for RabbitMQ
     * @param handler the subscription's handler
     * @param delivery the delivery
     * @throws Exception what the handler threw
     */
    public static void invoke(OpenTelemetry telemetry, String system, String destination, EventHandler handler,
            Delivery delivery) throws Exception {
        requireNonNull(telemetry, "telemetry");
        requireNonNull(system, "system");
        requireNonNull(destination, "destination");
        requireNonNull(handler, "handler");
        requireNonNull(delivery, "delivery");
        Envelope envelope = delivery.envelope();
        Context parent = traceContext(envelope);
        long start = System.nanoTime();
        Span span = MessageSpans.process(telemetry, system, destination, delivery, parent);
        Throwable failure = null;
        try (Scope trace = parent.with(span).makeCurrent();
             CorrelationScope correlation = of(envelope).makeCurrent()) {
            handler.handle(delivery);
        } catch (Exception | Error e) {
            failure = e;
            MessageSpans.fail(span, e);
            throw e;
        } finally {
            span.end();
            MessageMetrics.processed(telemetry, system, destination, delivery.queue(), start, failure);
        }
    }
}
