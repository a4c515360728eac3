package dev.chassis.observability.internal;

import static java.util.Objects.requireNonNull;

import dev.chassis.core.context.CorrelationContext;
import dev.chassis.core.context.CorrelationId;
import dev.chassis.core.context.CorrelationScope;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every HTTP server filter does with a request, whatever the server: validates or creates the
 * correlation id, extracts the W3C trace context (ignoring invalid values), and starts the
 * {@code SERVER} span with the HTTP semantic-convention attributes. The filters only adapt their
 * server's request and response types. Immutable and thread-safe. Not part of the API.
 */
public final class ServerRequests {
    /** The instrumentation scope of the server spans. */
    public static final String INSTRUMENTATION_SCOPE = "dev.chassis.observability.http";

    private static final Logger log = LoggerFactory.getLogger(ServerRequests.class);
    private static final AttributeKey<String> METHOD = AttributeKey.stringKey("http.request.method");
    private static final AttributeKey<String> METHOD_ORIGINAL = AttributeKey.stringKey("http.request.method_original");
    private static final Set<String> KNOWN_METHODS =
            Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH");
    private static final AttributeKey<String> PATH = AttributeKey.stringKey("url.path");
    private static final AttributeKey<String> ROUTE = AttributeKey.stringKey("http.route");
    private static final AttributeKey<Long> STATUS = AttributeKey.longKey("http.response.status_code");
    private static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

    private final Tracer tracer;
    private final TextMapPropagator propagator;
    private final List<PathTemplate> templates;

    private ServerRequests(OpenTelemetry openTelemetry, List<PathTemplate> templates) {
        this.tracer = openTelemetry.getTracer(INSTRUMENTATION_SCOPE);
        this.propagator = openTelemetry.getPropagators().getTextMapPropagator();
        this.templates = templates;
    }

    /**
     * Checks path templates and creates the shared request handling.
     *
     * @param openTelemetry where spans go
     * @param templates path templates such as {@code /orders/{id}}, first match wins
     * @return the request handling
     * @throws IllegalArgumentException if a template does not start with {@code /}
     */
    public static ServerRequests create(OpenTelemetry openTelemetry, List<String> templates) {
        requireNonNull(openTelemetry, "openTelemetry");
        List<PathTemplate> parsed = new ArrayList<>(templates.size());
        for (String t : templates) {
            parsed.add(PathTemplate.parse(requireNonNull(t, "template")));
        }
        return new ServerRequests(openTelemetry, List.copyOf(parsed));
    }

    /**
     * Checks one path template, for builders that fail early.
     *
     * @param template the template
     * @return the template
     * @throws IllegalArgumentException if it does not start with {@code /}
     */
    public static String checkTemplate(String template) {
        return PathTemplate.parse(requireNonNull(template, "template")).text();
    }

    /**
     * Starts handling a request: the correlation context and the server span, both current on the
     * calling thread until {@link Exchange#close()}.
     *
     * @param method the request method as sent
     * @param rawPath the path, still percent-encoded; {@code null} is read as {@code /}
     * @param headers the request headers
     * @param getter reads a header by (lower-case) name
     * @param <C> the server's header carrier type
     * @return the started exchange; close it on the same thread
     */
    public <C> Exchange start(String method, @Nullable String rawPath, C headers, TextMapGetter<C> getter) {
        CorrelationContext correlation = CorrelationContext.fromIncoming(
                getter.get(headers, CorrelationId.HTTP_HEADER), getter.get(headers, CorrelationId.CAUSATION_HTTP_HEADER));
        // a method outside the standard ones is any token the client chose: "_OTHER" keeps span names bounded
        String known = KNOWN_METHODS.contains(method) ? method : "_OTHER";
        String path = rawPath == null || rawPath.isEmpty() ? "/" : rawPath;
        String route = route(path);
        Span span = tracer.spanBuilder((known.equals("_OTHER") ? "HTTP" : known) + " " + (route != null ? route : path))
                .setParent(parent(headers, getter))
                .setSpanKind(SpanKind.SERVER)
                .setAttribute(METHOD, known)
                .setAttribute(PATH, path)
                .startSpan();
        if (route != null) {
            span.setAttribute(ROUTE, route);
        }
        if (!known.equals(method)) {
            span.setAttribute(METHOD_ORIGINAL, method);
        }
        return new Exchange(correlation, span);
    }

    private <C> Context parent(C headers, TextMapGetter<C> getter) {
        try {
            return propagator.extract(Context.root(), headers, getter);
        } catch (RuntimeException e) {
            // propagators should not throw; if one does, the request still gets a new trace
            log.debug("trace context extraction failed ({}); starting a new trace", e.getClass().getSimpleName());
            return Context.root();
        }
    }

    private @Nullable String route(String path) {
        for (PathTemplate template : templates) {
            if (template.matches(path)) {
                return template.text();
            }
        }
        return null;
    }

    /**
     * One request being handled: its correlation id and span are current on the thread that started
     * it until {@link #close()} there; {@link #end(int, Throwable)} ends the span, possibly later on
     * another thread (asynchronous servlets). Not thread-safe: used by one thread at a time.
     */
    public static final class Exchange implements AutoCloseable {
        private final CorrelationContext correlation;
        private final Span span;
        private final Scope trace;
        private final CorrelationScope scope;

        private Exchange(CorrelationContext correlation, Span span) {
            this.correlation = correlation;
            this.span = span;
            this.trace = span.makeCurrent();
            this.scope = correlation.makeCurrent();
        }

        /**
         * The correlation id in use, to echo in the {@value CorrelationId#HTTP_HEADER} response header.
         *
         * @return a valid id: the request's, or a new one
         */
        public String correlationId() {
            return correlation.correlationId();
        }

        /**
         * The server span, for a handler that ends it later.
         *
         * @return the span
         */
        public Span span() {
            return span;
        }

        /**
         * Ends the span with the response status or the failure: a 5xx or a failure marks it as an
         * error with {@code error.type}. Call once.
         *
         * @param status the response status, or 0 if none was sent
         * @param failure what the handler threw, if anything
         */
        public void end(int status, @Nullable Throwable failure) {
            if (status > 0) {
                span.setAttribute(STATUS, (long) status);
            }
            if (failure != null) {
                span.recordException(failure);
                span.setAttribute(ERROR_TYPE, failure.getClass().getName());
                span.setStatus(StatusCode.ERROR, failure.getClass().getName());
            } else if (status >= 500) {
                span.setAttribute(ERROR_TYPE, Integer.toString(status));
                span.setStatus(StatusCode.ERROR);
            }
            span.end();
        }

        /** Leaves the correlation and trace scopes on the thread that started the exchange. */
        @Override
        public void close() {
            scope.close();
            trace.close();
        }
    }
}
