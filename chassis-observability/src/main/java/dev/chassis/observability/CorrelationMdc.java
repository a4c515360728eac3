package dev.chassis.observability;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import dev.chassis.core.context.CorrelationContext;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.MDC;
import org.slf4j.Marker;

/**
 * Bridges the current {@link CorrelationContext} and OpenTelemetry span to the logging MDC, read at
 * log time on the logging thread: {@value #CORRELATION_ID}, {@value #CAUSATION_ID},
 * {@value #TRACE_ID} and {@value #SPAN_ID}. So every thread running under a correlation scope —
 * HTTP handlers, message consumers, saga steps, tasks of wrapped executors — logs its ids without
 * any extra call; outside a scope the keys are removed.
 *
 * <p>A Logback {@link TurboFilter}: it runs before each logging call is turned into an event, so the
 * event (also one handed to an {@code AsyncAppender}) carries the ids that were current when it was
 * logged. It never denies or accepts anything itself. The ids are valid by construction
 * ({@link dev.chassis.core.context.CorrelationId} rules, hex trace ids), never raw inbound text.
 * {@link JsonLogging#install} adds it; in {@code logback.xml} add
 * {@code <turboFilter class="dev.chassis.observability.CorrelationMdc"/>}.
 *
 * <p>The keys stay in a thread's MDC after its scope ends, until that thread logs again; other
 * readers of the MDC should read the ids from {@link CorrelationContext#current()} instead.
 *
 * <p>Instances are stateless and thread-safe.
 */
public final class CorrelationMdc extends TurboFilter {
    /** MDC key of the correlation id. */
    public static final String CORRELATION_ID = "correlationId";
    /** MDC key of the causation id. */
    public static final String CAUSATION_ID = "causationId";
    /** MDC key of the trace id (32 hex digits). */
    public static final String TRACE_ID = "traceId";
    /** MDC key of the span id (16 hex digits). */
    public static final String SPAN_ID = "spanId";

    /** Creates the filter; Logback calls this when it reads the filter from {@code logback.xml}. */
    public CorrelationMdc() {
        setName("correlation-mdc");
    }

    @Override
    public FilterReply decide(@Nullable Marker marker, @Nullable Logger logger, @Nullable Level level,
            @Nullable String format, Object @Nullable [] params, @Nullable Throwable t) {
        update();
        return FilterReply.NEUTRAL;
    }

    /** Sets or removes the four keys from what is current on this thread. */
    static void update() {
        CorrelationContext correlation = CorrelationContext.current().orElse(null);
        put(CORRELATION_ID, correlation == null ? null : correlation.correlationId());
        put(CAUSATION_ID, correlation == null ? null : correlation.causationId().orElse(null));
        SpanContext span = Span.current().getSpanContext();
        boolean valid = span.isValid();
        put(TRACE_ID, valid ? span.getTraceId() : null);
        put(SPAN_ID, valid ? span.getSpanId() : null);
    }

    private static void put(String key, @Nullable String value) {
        // comparing first keeps disabled log statements cheap: no MDC write unless something changed
        if (Objects.equals(MDC.get(key), value)) {
            return;
        }
        if (value == null) {
            MDC.remove(key);
        } else {
            MDC.put(key, value);
        }
    }
}
