package dev.chassis.discovery.client;

import dev.chassis.core.resilience.CheckedCallable;
import dev.chassis.discovery.ServiceInstance;
import dev.chassis.discovery.balancer.CallOutcome;
import dev.chassis.discovery.balancer.LoadBalancer;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.jspecify.annotations.Nullable;

/**
 * One attempt: tells the balancer when it really starts (the breaker admitted it) and ends, and
 * traces it with a {@code CLIENT} span and the duration metric from then on.
 */
final class AttemptCall<T> implements CheckedCallable<HttpResponse<T>, Exception> {
    final HttpClient http;
    final HttpRequest request;
    final HttpResponse.BodyHandler<T> handler;
    final LoadBalancer balancer;
    final ServiceInstance instance;
    final Guard guard;
    final Duration attemptTimeout;
    private final ClientTelemetry telemetry;
    private final Context callContext;
    private final int resends;
    private long startNanos;
    private boolean started;
    private @Nullable Span span;

    AttemptCall(HttpClient http, HttpRequest request, HttpResponse.BodyHandler<T> handler, LoadBalancer balancer,
            ServiceInstance instance, Guard guard, Duration attemptTimeout, ClientTelemetry telemetry,
            Context callContext, int resends) {
        this.http = http;
        this.request = request;
        this.handler = handler;
        this.balancer = balancer;
        this.instance = instance;
        this.guard = guard;
        this.attemptTimeout = attemptTimeout;
        this.telemetry = telemetry;
        this.callContext = callContext;
        this.resends = resends;
    }

    @Override
    public HttpResponse<T> call() throws Exception {
        HttpResponse<T> response = http.send(begin(), handler);
        if (response.statusCode() >= 500) {
            throw new ServerError(response);
        }
        return response;
    }

    /** The same attempt without blocking; a 5xx fails the stage with {@link ServerError}. */
    CompletableFuture<HttpResponse<T>> callAsync() {
        return http.sendAsync(begin(), handler).thenApply(response -> {
            if (response.statusCode() >= 500) {
                throw new CompletionException(new ServerError(response));
            }
            return response;
        });
    }

    /** Starts the attempt: the balancer is told, the span started, and the request gets its trace headers. */
    private HttpRequest begin() {
        started = true;
        balancer.onStart(instance);
        Span s = telemetry.startAttempt(request, instance, resends, callContext);
        span = s;
        startNanos = System.nanoTime();
        return ServiceRequests.withTrace(request, callContext.with(s));
    }

    /**
     * Tells the balancer the outcome if the attempt started, ends its span and records its duration.
     *
     * @param status the response's status code, or 0 without a response
     * @param failure why the attempt failed without a response, if it did
     * @return how long the attempt took
     */
    Duration complete(CallOutcome outcome, int status, @Nullable Throwable failure) {
        if (!started) {
            return Duration.ZERO;
        }
        long nanos = System.nanoTime() - startNanos;
        Duration elapsed = Duration.ofNanos(nanos);
        balancer.onComplete(instance, outcome, elapsed);
        Span s = span;
        if (s != null) {
            span = null;
            ClientTelemetry.end(s, status, failure);
            telemetry.recordDuration(request, instance, nanos, status, failure);
        }
        return elapsed;
    }

    /** A 5xx response, thrown inside the breaker so that it counts as a failure. */
    static final class ServerError extends Exception {
        private static final long serialVersionUID = 1L;
        final transient HttpResponse<?> response;

        ServerError(HttpResponse<?> response) {
            super("HTTP " + response.statusCode(), null, false, false);
            this.response = response;
        }
    }
}
