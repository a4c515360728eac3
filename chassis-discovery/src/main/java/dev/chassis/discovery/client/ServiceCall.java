package dev.chassis.discovery.client;

import dev.chassis.core.context.CorrelationContext;
import dev.chassis.core.resilience.CircuitOpenException;
import dev.chassis.core.resilience.TimeoutExceededException;
import dev.chassis.discovery.ServiceInstance;
import dev.chassis.discovery.balancer.CallOutcome;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import java.io.IOException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;
import org.jspecify.annotations.Nullable;

/**
 * One call of {@link ServiceClient}: which instances are left to try, the attempts made so far, and
 * how the call ends. Shared by the synchronous and the asynchronous path; attempts follow one
 * another, so it is confined to one thread at a time. The correlation and trace context are taken
 * when the call starts, so that later attempts on other threads carry the same ones. The call's span
 * starts with it and ends when the call ends, however it ends.
 */
final class ServiceCall<T> {
    private final ServiceClient client;
    private final String service;
    private final HttpRequest request;
    private final HttpResponse.BodyHandler<T> handler;
    private final boolean idempotent;
    private final int allowed;
    private final List<ServiceInstance> instances;
    private final @Nullable CorrelationContext correlation;
    private final Context trace;
    private @Nullable Span span;
    private final List<Attempt> attempts = new ArrayList<>(1);
    private @Nullable Set<String> tried;
    private @Nullable Map<String, Duration> open;
    private @Nullable HttpResponse<T> lastServerError;
    private @Nullable Throwable lastFailure;

    ServiceCall(ServiceClient client, HttpRequest request, HttpResponse.BodyHandler<T> handler, int maxAttempts) {
        this.client = client;
        this.request = request;
        this.handler = handler;
        this.service = ServiceRequests.serviceName(request.uri());
        this.idempotent = ServiceRequests.isIdempotent(request);
        this.allowed = idempotent ? maxAttempts : 1;
        this.correlation = CorrelationContext.current().orElse(null);
        Context caller = Context.current();
        Span callSpan = client.telemetry.startCall(request, service, caller);
        this.span = callSpan;
        this.trace = caller.with(callSpan);
        try {
            this.instances = client.registry.healthyInstances(service);
            if (instances.isEmpty()) {
                throw new NoInstanceAvailableException(service);
            }
        } catch (RuntimeException e) {
            throw abort(e);
        }
    }

    /** Ends the call's span with a failure that ends the call; returns the failure for throwing. */
    <E extends Throwable> E abort(E failure) {
        endSpan(0, failure);
        return failure;
    }

    private void endSpan(int status, @Nullable Throwable failure) {
        Span s = span;
        if (s != null) {
            span = null;
            ClientTelemetry.end(s, status, failure);
        }
    }

    /** The next attempt, or {@code null} when no further one is allowed or possible. */
    @Nullable AttemptCall<T> next() {
        try {
            return nextAttempt();
        } catch (RuntimeException e) {
            throw abort(e);
        }
    }

    private @Nullable AttemptCall<T> nextAttempt() {
        if (attempts.size() >= allowed) {
            return null;
        }
        List<ServiceInstance> available = available();
        if (available.isEmpty()) {
            return null;
        }
        List<ServiceInstance> candidates = available;
        if (tried != null) {
            List<ServiceInstance> fresh = new ArrayList<>(available.size());
            for (ServiceInstance c : available) {
                if (!tried.contains(c.id())) {
                    fresh.add(c);
                }
            }
            if (!fresh.isEmpty()) {
                candidates = fresh;
            }
        }
        ServiceInstance instance = client.balancer.choose(service, candidates);
        Guard guard = client.guard(instance);
        HttpRequest attemptRequest = ServiceRequests.forInstance(request, instance, client.timeout, correlation);
        Duration attemptTimeout = attemptRequest.timeout().orElse(client.timeout);
        if (guard.timeout.compareTo(attemptTimeout) < 0) {
            attemptTimeout = guard.timeout;
        }
        return new AttemptCall<>(client.http, attemptRequest, handler, client.balancer, instance, guard, attemptTimeout,
                client.telemetry, trace, attempts.size());
    }

    /** The instances whose breakers are not known to be open, without copying when all are. */
    private List<ServiceInstance> available() {
        long now = System.nanoTime();
        List<ServiceInstance> available = instances;
        for (int i = 0; i < instances.size(); i++) {
            ServiceInstance candidate = instances.get(i);
            Guard g = client.knownGuard(candidate.id());
            boolean skip = (open != null && open.containsKey(candidate.id())) || (g != null && g.knownOpen(now));
            if (skip) {
                openMap().putIfAbsent(candidate.id(), Duration.ZERO);
                if (available == instances) {
                    available = new ArrayList<>(instances.subList(0, i));
                }
            } else if (available != instances) {
                available.add(candidate);
            }
        }
        return available;
    }

    private Map<String, Duration> openMap() {
        if (open == null) {
            open = new LinkedHashMap<>();
        }
        return open;
    }

    /** The attempt got a response below 500. */
    HttpResponse<T> succeeded(AttemptCall<T> call, HttpResponse<T> response) {
        call.complete(CallOutcome.SUCCESS, response.statusCode(), null);
        discard(lastServerError);
        lastServerError = null;
        endSpan(response.statusCode(), null);
        return response;
    }

    /**
     * Records a failed attempt (or a breaker's rejection, which is no attempt).
     *
     * @throws RuntimeException if the failure ends the call at once: interruption, or a failure on
     *     the caller's side such as its body handler throwing
     */
    void failed(AttemptCall<T> call, Throwable thrown) {
        Throwable failure = thrown instanceof CompletionException && thrown.getCause() != null ? thrown.getCause() : thrown;
        if (failure instanceof CircuitOpenException rejected) {
            call.guard.openFor(rejected.retryAfter());
            openMap().put(call.instance.id(), rejected.retryAfter());
            return;
        }
        if (failure instanceof AttemptCall.ServerError serverError) {
            @SuppressWarnings("unchecked")
            HttpResponse<T> response = (HttpResponse<T>) serverError.response;
            record(call, CallOutcome.SERVER_ERROR, "HTTP " + response.statusCode(), response.statusCode(), null);
            discard(lastServerError);
            lastServerError = response;
            lastFailure = null;
        } else if (failure instanceof HttpConnectTimeoutException || (failure instanceof IOException
                && !(failure instanceof HttpTimeoutException))) {
            record(call, CallOutcome.CONNECTION_FAILURE, describe(failure), 0, failure);
            lastServerError = discard(lastServerError);
            lastFailure = failure;
        } else if (failure instanceof HttpTimeoutException || failure instanceof TimeoutExceededException) {
            record(call, CallOutcome.TIMEOUT, "no response within " + call.attemptTimeout, 0, failure);
            lastServerError = discard(lastServerError);
            lastFailure = failure;
        } else if (failure instanceof InterruptedException) {
            Thread.currentThread().interrupt();
            call.complete(CallOutcome.CANCELLED, 0, failure);
            throw abort(new ServiceCallException(service, attempts, "interrupted while calling service '" + service
                    + "' at " + call.instance.id(), failure));
        } else {
            call.complete(CallOutcome.CANCELLED, 0, failure);
            if (failure instanceof RuntimeException e) {
                throw abort(e);
            }
            if (failure instanceof Error e) {
                throw abort(e);
            }
            throw abort(new IllegalStateException("unexpected checked exception from the HTTP client", failure));
        }
        if (tried == null) {
            tried = new HashSet<>(4);
        }
        tried.add(call.instance.id());
    }

    /**
     * How the call ends when no further attempt is made.
     *
     * @return the last 5xx response, if the last attempt got one
     * @throws ServiceCallException otherwise
     */
    HttpResponse<T> finish() {
        if (lastServerError != null) {
            endSpan(lastServerError.statusCode(), null);
            return lastServerError;
        }
        if (attempts.isEmpty()) {
            throw abort(new AllCircuitsOpenException(service, List.copyOf(open == null ? Set.of() : open.keySet()),
                    attempts));
        }
        String why = attempts.size() < allowed ? "; no further instance to try (open breakers: "
                + (open == null ? "none" : open.keySet()) + ")"
                : idempotent ? "" : "; not retried: " + request.method() + " is not idempotent (add an "
                        + ServiceClient.IDEMPOTENCY_KEY_HEADER + " header to allow retries)";
        Attempt last = attempts.get(attempts.size() - 1);
        if (last.outcome() == CallOutcome.TIMEOUT) {
            Duration timeout = lastFailure instanceof TimeoutExceededException t ? t.timeout()
                    : request.timeout().orElse(client.timeout);
            throw abort(new ServiceTimeoutException(service, timeout, attempts, why, lastFailure));
        }
        throw abort(new ServiceCallException(service, attempts, "call to service '" + service + "' failed after "
                + attempts.size() + " attempt(s)" + why + "; attempts: " + attempts, lastFailure));
    }

    private void record(AttemptCall<T> call, CallOutcome outcome, String detail, int status,
            @Nullable Throwable failure) {
        Duration elapsed = call.complete(outcome, status, failure);
        attempts.add(new Attempt(call.instance.id(), outcome, detail, elapsed));
    }

    private static String describe(Throwable e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    /** Closes the body of a response that will not be returned, if it is a stream. */
    private static <T> @Nullable HttpResponse<T> discard(@Nullable HttpResponse<T> response) {
        if (response != null && response.body() instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception ignored) {
                // the body is being dropped anyway
            }
        }
        return null;
    }
}
