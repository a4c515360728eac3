package dev.chassis.discovery.client;

import dev.chassis.core.context.CorrelationContext;
import dev.chassis.core.context.CorrelationId;
import dev.chassis.discovery.ServiceInstance;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/** How a request to a service becomes a request to one of its instances. Stateless. */
final class ServiceRequests {
    private static final W3CTraceContextPropagator W3C = W3CTraceContextPropagator.getInstance();
    private static final TextMapSetter<HttpRequest.Builder> SETTER = (builder, key, value) -> {
        if (builder != null) {
            builder.header(key, value);
        }
    };

    private ServiceRequests() {
    }

    /** The service a request URI names: its host. */
    static String serviceName(URI uri) {
        String scheme = uri.getScheme();
        if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
            throw new IllegalArgumentException("the request URI must be http or https and name a service as its host,"
                    + " e.g. http://order-service/orders/1; was " + uri);
        }
        String host = uri.getHost();
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("the request URI must name a service as its host,"
                    + " e.g. http://order-service/orders/1; was " + uri);
        }
        return host;
    }

    /** Safe to send twice: an idempotent method, or marked with an idempotency key. */
    static boolean isIdempotent(HttpRequest request) {
        switch (request.method()) {
            case "GET":
            case "HEAD":
            case "OPTIONS":
            case "PUT":
            case "DELETE":
            case "TRACE":
                return true;
            default:
                return request.headers().firstValue(ServiceClient.IDEMPOTENCY_KEY_HEADER).isPresent();
        }
    }

    /** The URI with the instance's host and port; scheme, raw path and raw query kept. */
    static URI instanceUri(URI original, ServiceInstance instance) {
        String host = instance.host();
        StringBuilder s = new StringBuilder(64).append(original.getScheme()).append("://");
        if (host.indexOf(':') >= 0 && !host.startsWith("[")) {
            s.append('[').append(host).append(']');
        } else {
            s.append(host);
        }
        s.append(':').append(instance.port());
        String path = original.getRawPath();
        if (path != null) {
            s.append(path);
        }
        String query = original.getRawQuery();
        if (query != null) {
            s.append('?').append(query);
        }
        return URI.create(s.toString());
    }

    /**
     * The request for one attempt: the instance's URI, a timeout, and the correlation headers the
     * request lacks, from the correlation context current when the call started.
     */
    static HttpRequest forInstance(HttpRequest request, ServiceInstance instance, Duration timeout,
            @Nullable CorrelationContext correlation) {
        HttpRequest.Builder b = HttpRequest.newBuilder(request, (name, value) -> true)
                .uri(instanceUri(request.uri(), instance));
        if (request.timeout().isEmpty()) {
            b.timeout(timeout);
        }
        var headers = request.headers();
        if (correlation != null && headers.firstValue(CorrelationId.HTTP_HEADER).isEmpty()) {
            b.header(CorrelationId.HTTP_HEADER, correlation.correlationId());
            correlation.causationId().ifPresent(c -> {
                if (headers.firstValue(CorrelationId.CAUSATION_HTTP_HEADER).isEmpty()) {
                    b.header(CorrelationId.CAUSATION_HTTP_HEADER, c);
                }
            });
        }
        return b.build();
    }

    /**
     * The attempt's request with W3C {@code traceparent}/{@code tracestate} of the given context, unless
     * the request sets them or the context has no valid span.
     */
    static HttpRequest withTrace(HttpRequest request, Context trace) {
        if (request.headers().firstValue("traceparent").isPresent() || !Span.fromContext(trace).getSpanContext().isValid()) {
            return request;
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(request, (name, value) -> true);
        W3C.inject(trace, b, SETTER);
        return b.build();
    }
}
