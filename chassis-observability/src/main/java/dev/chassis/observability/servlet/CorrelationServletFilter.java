package dev.chassis.observability.servlet;

import static java.util.Objects.requireNonNull;

import dev.chassis.core.context.CorrelationContext;
import dev.chassis.core.context.CorrelationId;
import dev.chassis.observability.internal.ServerRequests;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.context.propagation.TextMapGetter;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A Jakarta Servlet filter that puts each HTTP request in its correlation and trace context, exactly
 * as {@link dev.chassis.observability.CorrelationHttpFilter} does for the JDK's {@code HttpServer}:
 *
 * <ul>
 *   <li>reads {@value CorrelationId#HTTP_HEADER} (and {@value CorrelationId#CAUSATION_HTTP_HEADER}) with
 *       {@link CorrelationContext#fromIncoming(String, String)}: a missing or invalid id is replaced by
 *       a new one, never echoed or logged; the id in use is set as the response header before the
 *       rest of the chain runs;</li>
 *   <li>extracts W3C {@code traceparent}/{@code tracestate} (and baggage); invalid values start a new trace;</li>
 *   <li>runs the chain inside a {@code SERVER} span named after the first matching
 *       {@linkplain Builder#pathTemplate(String) path template} (else the request URI's path, which
 *       includes the context path) with {@code http.request.method}, {@code url.path},
 *       {@code http.route} and {@code http.response.status_code}; a 5xx status or an exception marks
 *       it as an error with {@code error.type}.</li>
 * </ul>
 *
 * <p>For a request that goes asynchronous ({@code startAsync}) the span ends when the async cycle
 * completes, with the final status; the correlation and trace context are current only on the
 * container thread that ran the filter, so hand them to other threads with
 * {@code CorrelationContext.wrap} and the OpenTelemetry {@code Context}. Requests that are not HTTP
 * pass through unchanged.
 *
 * <pre>{@code
 * ServletContextHandler context = new ServletContextHandler();
 * context.addFilter(new FilterHolder(CorrelationServletFilter.builder(telemetry.openTelemetry())
 *         .pathTemplate("/orders/{id}").build()), "/*", EnumSet.of(DispatcherType.REQUEST));
 * }</pre>
 *
 * <p>Instances are stateless, thread-safe and intended to be shared; {@code init} and
 * {@code destroy} do nothing.
 */
public final class CorrelationServletFilter implements Filter {
    private static final TextMapGetter<HttpServletRequest> HEADERS = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(HttpServletRequest carrier) {
            return Collections.list(carrier.getHeaderNames());
        }

        @Override
        public @Nullable String get(@Nullable HttpServletRequest carrier, String key) {
            return carrier == null ? null : carrier.getHeader(key);
        }
    };

    private final ServerRequests requests;

    private CorrelationServletFilter(Builder builder) {
        this.requests = ServerRequests.create(builder.openTelemetry, builder.templates);
    }

    /**
     * A filter creating spans with the given OpenTelemetry and naming them by path.
     *
     * @param openTelemetry e.g. {@code telemetry.openTelemetry()}; {@link OpenTelemetry#noop()} for correlation only
     * @return the filter
     */
    public static CorrelationServletFilter create(OpenTelemetry openTelemetry) {
        return builder(openTelemetry).build();
    }

    /**
     * A builder, to add path templates for span names.
     *
     * @param openTelemetry e.g. {@code telemetry.openTelemetry()}
     * @return a new builder
     */
    public static Builder builder(OpenTelemetry openTelemetry) {
        return new Builder(requireNonNull(openTelemetry, "openTelemetry"));
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (!(request instanceof HttpServletRequest http) || !(response instanceof HttpServletResponse httpResponse)) {
            chain.doFilter(request, response);
            return;
        }
        ServerRequests.Exchange exchange = requests.start(http.getMethod(), http.getRequestURI(), http, HEADERS);
        Throwable failure = null;
        boolean async = false;
        try (exchange) {
            httpResponse.setHeader(CorrelationId.HTTP_HEADER, exchange.correlationId());
            chain.doFilter(request, response);
            if (http.isAsyncStarted()) {
                http.getAsyncContext().addListener(new EndSpan(exchange, httpResponse));
                async = true;
            }
        } catch (IOException | ServletException | RuntimeException | Error e) {
            failure = e;
            throw e;
        } finally {
            if (!async) {
                // an exception leaves the status to the container, which answers 500
                exchange.end(failure != null ? 0 : httpResponse.getStatus(), failure);
            }
        }
    }

    /** Ends the span of an asynchronous request when its async cycle completes. */
    private static final class EndSpan implements AsyncListener {
        private final ServerRequests.Exchange exchange;
        private final HttpServletResponse response;
        private @Nullable Throwable failure;

        EndSpan(ServerRequests.Exchange exchange, HttpServletResponse response) {
            this.exchange = exchange;
            this.response = response;
        }

        @Override
        public void onComplete(AsyncEvent event) {
            exchange.end(response.getStatus(), failure);
        }

        @Override
        public void onTimeout(AsyncEvent event) {
            failure = event.getThrowable();
        }

        @Override
        public void onError(AsyncEvent event) {
            failure = event.getThrowable();
        }

        @Override
        public void onStartAsync(AsyncEvent event) {
            event.getAsyncContext().addListener(this);
        }
    }

    /** Configures a {@link CorrelationServletFilter}. Not thread-safe; {@link #build()} copies. */
    public static final class Builder {
        private final OpenTelemetry openTelemetry;
        private final List<String> templates = new ArrayList<>();

        private Builder(OpenTelemetry openTelemetry) {
            this.openTelemetry = openTelemetry;
        }

        /**
         * A path template for span names and {@code http.route}, made of literal and {@code {name}}
         * segments, e.g. {@code /orders/{id}}, matched against the request URI's path (context path
         * included); the first template that matches names the span.
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
        public CorrelationServletFilter build() {
            return new CorrelationServletFilter(this);
        }
    }
}
