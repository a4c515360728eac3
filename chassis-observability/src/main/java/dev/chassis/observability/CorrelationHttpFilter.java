package dev.chassis.observability;

import static java.util.Objects.requireNonNull;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import dev.chassis.core.context.CorrelationContext;
import dev.chassis.core.context.CorrelationId;
import dev.chassis.observability.internal.ServerRequests;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

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
 *       {@code http.response.status_code}; a 5xx status or an exception marks it as an error (with
 *       {@code error.type} the status code or the exception's class). A
 *       method other than the nine standard ones is recorded as {@code _OTHER} (span name
 *       {@code HTTP /path}), as the semantic conventions ask.</li>
 * </ul>
 *
 * <p>{@link dev.chassis.observability.servlet.CorrelationServletFilter} does the same for Jakarta
 * Servlet containers. Instances are stateless, thread-safe and intended to be shared by all contexts of a server.
 *
 * <pre>{@code
 * HttpContext orders = server.createContext("/orders", handler);
 * orders.getFilters().add(CorrelationHttpFilter.builder(telemetry.openTelemetry()).pathTemplate("/orders/{id}").build());
 * }</pre>
 */
public final class CorrelationHttpFilter extends Filter {
    /** The instrumentation scope of the server spans. */
    public static final String INSTRUMENTATION_SCOPE = ServerRequests.INSTRUMENTATION_SCOPE;

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

    private final ServerRequests requests;

    private CorrelationHttpFilter(Builder builder) {
        this.requests = ServerRequests.create(builder.openTelemetry, builder.templates);
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
    public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
        // the raw path is still percent-encoded: the JDK server refused control characters in the URI
        ServerRequests.Exchange request = requests.start(exchange.getRequestMethod(),
                exchange.getRequestURI().getRawPath(), exchange.getRequestHeaders(), HEADERS);
        Throwable failure = null;
        try (request) {
            exchange.getResponseHeaders().set(CorrelationId.HTTP_HEADER, request.correlationId());
            chain.doFilter(exchange);
        } catch (IOException | RuntimeException | Error e) {
            failure = e;
            throw e;
        } finally {
            request.end(exchange.getResponseCode(), failure);
        }
    }

    /**
     * Configures a {@link CorrelationHttpFilter}. Not thread-safe; {@link #build()} copies.
     */
    public static final class Builder {
        private final OpenTelemetry openTelemetry;
        private final List<String> templates = new ArrayList<>();

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
            templates.add(ServerRequests.checkTemplate(template));
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
