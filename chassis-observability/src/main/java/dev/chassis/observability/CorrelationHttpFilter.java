package dev.chassis.observability;

import static java.util.Objects.requireNonNull;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
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
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A filter for the JDK's {@code com.sun.net.httpserver.HttpServer} that puts each exchange in its
 * correlation and trace context.
 *
 * <ul>
 *   <li>Reads {@value CorrelationId#HTTP_HEADER} (and {@value CorrelationId#CAUSATION_HTTP_HEADER})
 *       with {@link CorrelationContext#fromIncoming(String, String)}: a missing or invalid id — CR/LF,
 *       ANSI escapes, non-printables, longer than {@value CorrelationId#MAX_LENGTH} — is replaced by a
 *       new one and never echoed or logged. The id in use is echoed in the response header.</li>
 *   <li>Extracts W3C {@code traceparent}/{@code tracestate} (and baggage) with the telemetry's
 *       propagator; invalid values are ignored and the span starts a new trace.</li>
 *   <li>Runs the rest of the chain inside a {@code SERVER} span named {@code "GET /orders/{id}"}
 *       (the matching path template, else the path) with {@code http.request.method},
 *       {@code url.path} (still percent-encoded), {@code http.route} and
 *       {@code http.response.status_code}; a 5xx status or an exception marks it as an error. A
 *       method other than the nine standard ones is recorded as {@code _OTHER} (span name
 *       {@code HTTP /path}), as the semantic conventions ask.</li>
 * </ul>
 *
 * <p>Instances are stateless, thread-safe and intended to be shared by all contexts of a server.
 *
 * <pre>{@code
 * HttpContext orders = server.createContext("/orders", handler);
 * orders.getFilters().add(CorrelationHttpFilter.builder(telemetry.openTelemetry()).pathTemplate("/orders/{id}").build());
 * }</pre>
 */
public final class CorrelationHttpFilter extends Filter {
    /** The instrumentation scope of the server spans. */
    public static final String INSTRUMENTATION_SCOPE = "dev.chassis.observability.http";

    private static final Logger log = LoggerFactory.getLogger(CorrelationHttpFilter.class);
    private static final AttributeKey<String> METHOD = AttributeKey.stringKey("http.request.method");
    private static final AttributeKey<String> METHOD_ORIGINAL = AttributeKey.stringKey("http.request.method_original");
    private static final Set<String> KNOWN_METHODS =
            Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH");
    private static final AttributeKey<String> PATH = AttributeKey.stringKey("url.path");
    private static final AttributeKey<String> ROUTE = AttributeKey.stringKey("http.route");
    private static final AttributeKey<Long> STATUS = AttributeKey.longKey("http.response.status_code");
    private static final TextMapGetter<Headers> HEADERS = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Headers carrier) {
            return carrier.keySet();
        }

        @Override
        public @Nullable String get(@Nullable Headers carrier, String key) {
            return carrier == null ? null : carrier.getFirst(key);
        }
    };

    private final Tracer tracer;
    private final TextMapPropagator propagator;
    private final List<PathTemplate> templates;

    private CorrelationHttpFilter(Builder builder) {
        this.tracer = builder.openTelemetry.getTracer(INSTRUMENTATION_SCOPE);
        this.propagator = builder.openTelemetry.getPropagators().getTextMapPropagator();
        this.templates = List.copyOf(builder.templates);
    }

    /**
     * A filter creating spans with the given OpenTelemetry and naming them by path.
     *
     * @param openTelemetry e.g. {@link Telemetry#openTelemetry()}; {@link OpenTelemetry#noop()} for correlation only
     * @return the filter
     */
    public static CorrelationHttpFilter create(OpenTelemetry openTelemetry) {
        return builder(openTelemetry).build();
    }

    /**
     * A builder, to add path templates for span names.
     *
     * @param openTelemetry e.g. {@link Telemetry#openTelemetry()}
     * @return a new builder
     */
    public static Builder builder(OpenTelemetry openTelemetry) {
        return new Builder(requireNonNull(openTelemetry, "openTelemetry"));
    }

    @Override
    public String description() {
        return "correlation id and server span";
    }

    @Override
    @SuppressWarnings("try") // scopes are held for their effect
    public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
        Headers request = exchange.getRequestHeaders();
        CorrelationContext correlation = CorrelationContext.fromIncoming(
                request.getFirst(CorrelationId.HTTP_HEADER), request.getFirst(CorrelationId.CAUSATION_HTTP_HEADER));
        exchange.getResponseHeaders().set(CorrelationId.HTTP_HEADER, correlation.correlationId());

        // a method outside the standard ones is any token the client chose: "_OTHER" keeps span names bounded
        String sent = exchange.getRequestMethod();
        String method = KNOWN_METHODS.contains(sent) ? sent : "_OTHER";
        // the raw path is still percent-encoded: the JDK server refused control characters in the URI
        String path = Optional.ofNullable(exchange.getRequestURI().getRawPath()).orElse("/");
        String route = route(path);
        Span span = tracer.spanBuilder((method.equals("_OTHER") ? "HTTP" : method) + " " + (route != null ? route : path))
                .setParent(parent(request))
                .setSpanKind(SpanKind.SERVER)
                .setAttribute(METHOD, method)
                .setAttribute(PATH, path)
                .startSpan();
        if (route != null) {
            span.setAttribute(ROUTE, route);
        }
        if (!method.equals(sent)) {
            span.setAttribute(METHOD_ORIGINAL, sent);
        }
        try (Scope trace = span.makeCurrent(); CorrelationScope scope = correlation.makeCurrent()) {
            chain.doFilter(exchange);
            int status = exchange.getResponseCode();
            if (status > 0) {
                span.setAttribute(STATUS, (long) status);
                if (status >= 500) {
                    span.setStatus(StatusCode.ERROR);
                }
            }
        } catch (IOException | RuntimeException | Error e) {
            span.recordException(e);
            span.setStatus(StatusCode.ERROR, e.getClass().getName());
            throw e;
        } finally {
            span.end();
        }
    }

    private Context parent(Headers request) {
        try {
            return propagator.extract(Context.root(), request, HEADERS);
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
     * Configures a {@link CorrelationHttpFilter}. Not thread-safe; {@link #build()} copies.
     */
    public static final class Builder {
        private final OpenTelemetry openTelemetry;
        private final List<PathTemplate> templates = new ArrayList<>();

        private Builder(OpenTelemetry openTelemetry) {
            this.openTelemetry = openTelemetry;
        }

        /**
         * A path template for span names and {@code http.route}, made of literal and {@code {name}}
         * segments, e.g. {@code /orders/{id}}; the first template that matches a request path names
         * its span. Keeps span names few when paths carry ids.
         *
         * @param template a template starting with {@code /}
         * @return this builder
         * @throws IllegalArgumentException if the template does not start with {@code /}
         */
        public Builder pathTemplate(String template) {
            templates.add(PathTemplate.parse(requireNonNull(template, "template")));
            return this;
        }

        /**
         * Builds the filter.
         *
         * @return the filter
         */
        public CorrelationHttpFilter build() {
            return new CorrelationHttpFilter(this);
        }
    }
}
