package dev.chassis.core.bus;

import static java.util.Objects.requireNonNull;

import dev.chassis.core.context.CorrelationContext;
import dev.chassis.core.context.CorrelationScope;
import dev.chassis.core.envelope.Envelope;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
}
