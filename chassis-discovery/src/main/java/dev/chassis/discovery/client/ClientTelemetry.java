package dev.chassis.discovery.client;

import dev.chassis.discovery.ServiceInstance;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The spans and the duration histogram of {@link ServiceClient} calls, following the OpenTelemetry
 * HTTP client conventions (attribute names spelled out: the API ships no constants). A logical call
 * is an {@code INTERNAL} span; each attempt sent to an instance is a {@code CLIENT} span under it,
 * so retries on other instances show as siblings. Thread-safe.
 */
final class ClientTelemetry {
    static final String SCOPE = "dev.chassis.discovery.client";
    static final String DURATION_METRIC = "http.client.request.duration";

    static final AttributeKey<String> METHOD = AttributeKey.stringKey("http.request.method");
    static final AttributeKey<String> METHOD_ORIGINAL = AttributeKey.stringKey("http.request.method_original");
    static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");
    static final AttributeKey<Long> SERVER_PORT = AttributeKey.longKey("server.port");
    static final AttributeKey<String> URL_FULL = AttributeKey.stringKey("url.full");
    static final AttributeKey<String> URL_SCHEME = AttributeKey.stringKey("url.scheme");
    static final AttributeKey<Long> STATUS = AttributeKey.longKey("http.response.status_code");
    static final AttributeKey<Long> RESEND_COUNT = AttributeKey.longKey("http.request.resend_count");
    static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
    static final AttributeKey<String> SERVICE = AttributeKey.stringKey("chassis.service.name");
    static final AttributeKey<String> INSTANCE = AttributeKey.stringKey("chassis.service.instance.id");

    private static final Set<String> KNOWN_METHODS =
            Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH");
    /** The bucket boundaries the HTTP conventions advise for request durations, in seconds. */
    private static final List<Double> BUCKETS =
            List.of(0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0);

    private final @Nullable OpenTelemetry configured;
    private volatile @Nullable Instruments instruments;

    ClientTelemetry(@Nullable OpenTelemetry configured) {
        this.configured = configured;
    }

    /** The configured instance, else the global one at each use (a no-op unless one is registered). */
    OpenTelemetry openTelemetry() {
        OpenTelemetry c = configured;
        return c != null ? c : GlobalOpenTelemetry.getOrNoop();
    }

    /** Starts the span of a logical call to a service, a child of the caller's context. */
    Span startCall(HttpRequest request, String service, Context parent) {
        String method = method(request.method());
        var b = instruments().telemetry.getTracer(SCOPE).spanBuilder(spanName(method))
                .setSpanKind(SpanKind.INTERNAL)
                .setParent(parent)
                .setAttribute(METHOD, method)
                .setAttribute(SERVICE, service)
                .setAttribute(URL_FULL, redacted(request.uri()));
        if (!method.equals(request.method())) {
            b.setAttribute(METHOD_ORIGINAL, request.method());
        }
        return b.startSpan();
    }

    /** Starts the {@code CLIENT} span of one attempt, a child of the call's span. */
    Span startAttempt(HttpRequest attempt, ServiceInstance instance, int resends, Context call) {
        String method = method(attempt.method());
        var b = instruments().telemetry.getTracer(SCOPE).spanBuilder(spanName(method))
                .setSpanKind(SpanKind.CLIENT)
                .setParent(call)
                .setAttribute(METHOD, method)
                .setAttribute(SERVER_ADDRESS, instance.host())
                .setAttribute(SERVER_PORT, (long) instance.port())
                .setAttribute(URL_FULL, redacted(attempt.uri()))
                .setAttribute(SERVICE, instance.service())
                .setAttribute(INSTANCE, instance.id());
        if (resends > 0) {
            b.setAttribute(RESEND_COUNT, (long) resends);
        }
        if (!method.equals(attempt.method())) {
            b.setAttribute(METHOD_ORIGINAL, attempt.method());
        }
        return b.startSpan();
    }

    /**
     * Ends a span with the response's status or the failure: a status of 400 and above sets
     * {@code error.type} to the status code, a 5xx (or, for the call, any failure) the error status.
     */
    static void end(Span span, int status, @Nullable Throwable failure) {
        if (status > 0) {
            span.setAttribute(STATUS, (long) status);
        }
        String error = errorType(status, failure);
        if (error != null) {
            span.setAttribute(ERROR_TYPE, error);
        }
        if (failure != null) {
            span.recordException(failure);
            span.setStatus(StatusCode.ERROR, failure.getClass().getSimpleName());
        } else if (status >= 500) {
            span.setStatus(StatusCode.ERROR);
        }
        span.end();
    }

    /** Records the duration of one attempt in {@value #DURATION_METRIC}. */
    void recordDuration(HttpRequest attempt, ServiceInstance instance, long nanos, int status, @Nullable Throwable failure) {
        AttributesBuilder a = Attributes.builder()
                .put(METHOD, method(attempt.method()))
                .put(SERVER_ADDRESS, instance.host())
                .put(SERVER_PORT, (long) instance.port());
        String scheme = attempt.uri().getScheme();
        if (scheme != null) {
            a.put(URL_SCHEME, scheme);
        }
        if (status > 0) {
            a.put(STATUS, (long) status);
        }
        String error = errorType(status, failure);
        if (error != null) {
            a.put(ERROR_TYPE, error);
        }
        instruments().duration.record(nanos / 1e9, a.build());
    }

    private static @Nullable String errorType(int status, @Nullable Throwable failure) {
        if (failure != null) {
            return failure.getClass().getName();
        }
        return status >= 400 ? Integer.toString(status) : null;
    }

    private static String method(String sent) {
        return KNOWN_METHODS.contains(sent) ? sent : "_OTHER";
    }

    private static String spanName(String method) {
        return method.equals("_OTHER") ? "HTTP" : method;
    }

    /** The URI without user info, which the conventions ask to leave out. */
    private static String redacted(URI uri) {
        if (uri.getRawUserInfo() == null) {
            return uri.toString();
        }
        return uri.toString().replace(uri.getRawUserInfo() + "@", "REDACTED:REDACTED@");
    }

    /** The tracer's telemetry and the histogram, rebuilt only when the global instance changes. */
    private Instruments instruments() {
        OpenTelemetry current = openTelemetry();
        Instruments i = instruments;
        if (i == null || i.telemetry != current) {
            i = new Instruments(current, current.getMeter(SCOPE).histogramBuilder(DURATION_METRIC)
                    .setUnit("s")
                    .setDescription("Duration of HTTP client requests, one per attempt.")
                    .setExplicitBucketBoundariesAdvice(BUCKETS)
                    .build());
            instruments = i;
        }
        return i;
    }

    private record Instruments(OpenTelemetry telemetry, DoubleHistogram duration) {
    }
}
