package dev.chassis.discovery.client;

import dev.chassis.core.resilience.CheckedCallable;
import dev.chassis.discovery.ServiceInstance;
import dev.chassis.discovery.balancer.CallOutcome;
import dev.chassis.discovery.balancer.LoadBalancer;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/** One attempt: tells the balancer when it really starts (the breaker admitted it) and ends. */
final class AttemptCall<T> implements CheckedCallable<HttpResponse<T>, Exception> {
    final HttpClient http;
    final HttpRequest request;
    final HttpResponse.BodyHandler<T> handler;
    final LoadBalancer balancer;
    final ServiceInstance instance;
    final Guard guard;
    final Duration attemptTimeout;
    private long startNanos;
    private boolean started;

    AttemptCall(HttpClient http, HttpRequest request, HttpResponse.BodyHandler<T> handler, LoadBalancer balancer,
            ServiceInstance instance, Guard guard, Duration attemptTimeout) {
        this.http = http;
        this.request = request;
        this.handler = handler;
        this.balancer = balancer;
        this.instance = instance;
        this.guard = guard;
        this.attemptTimeout = attemptTimeout;
    }

    @Override
    public HttpResponse<T> call() throws Exception {
        started = true;
        balancer.onStart(instance);
        startNanos = System.nanoTime();
        HttpResponse<T> response = http.send(request, handler);
        if (response.statusCode() >= 500) {
            throw new ServerError(response);
        }
        return response;
    }

    /** The same attempt without blocking; a 5xx fails the stage with {@link ServerError}. */
    CompletableFuture<HttpResponse<T>> callAsync() {
        started = true;
        balancer.onStart(instance);
        startNanos = System.nanoTime();
        return http.sendAsync(request, handler).thenApply(response -> {
            if (response.statusCode() >= 500) {
                throw new CompletionException(new ServerError(response));
            }
            return response;
        });
    }

    Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    /** Tells the balancer the outcome if the attempt started; returns its duration. */
    Duration complete(CallOutcome outcome) {
        if (!started) {
            return Duration.ZERO;
        }
        Duration elapsed = elapsed();
        balancer.onComplete(instance, outcome, elapsed);
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
