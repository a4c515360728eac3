package dev.chassis.discovery.client;

import static java.util.Objects.requireNonNull;

import dev.chassis.core.context.CorrelationContext;
import dev.chassis.core.context.CorrelationId;
import dev.chassis.core.resilience.CircuitBreakerConfig;
import dev.chassis.core.resilience.CircuitBreakerRegistry;
import dev.chassis.core.resilience.Resilience;
import dev.chassis.discovery.ServiceInstance;
import dev.chassis.discovery.ServiceRegistry;
import dev.chassis.discovery.balancer.LoadBalancer;
import dev.chassis.discovery.balancer.OutlierEjection;
import io.opentelemetry.api.OpenTelemetry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.jspecify.annotations.Nullable;

/**
 * An HTTP client that calls services by name. A request to {@code http://order-service/orders/1}
 * goes to one of {@code order-service}'s healthy instances in the {@link ServiceRegistry}, chosen by
 * the {@link LoadBalancer}, with the host and port replaced and the scheme, path and query kept:
 *
 * <pre>{@code
 * ServiceClient client = ServiceClient.builder(registry)
 *         .loadBalancer(LoadBalancer.roundRobin().withOutlierEjection(OutlierEjection.ofDefaults()))
 *         .timeout(Duration.ofSeconds(2))
 *         .build();
 * HttpResponse<String> response = client.send(
 *         HttpRequest.newBuilder(URI.create("http://order-service/orders/1")).build(),
 *         HttpResponse.BodyHandlers.ofString());
 * }</pre>
 *
 * <p>Each attempt:
 * <ul>
 *   <li>passes the instance's circuit breaker, named {@code service/instanceId}, from the
 *       {@link CircuitBreakerRegistry} given (so the admin routes show them); an instance whose breaker
 *       is open is skipped without counting as an attempt. 5xx responses, connection failures and
 *       timeouts count as the breaker's failures;</li>
 *   <li>has a timeout: the request's own {@link HttpRequest#timeout()}, or the client's
 *       {@linkplain Builder#timeout(Duration) default}, and at most the breaker's timeout;</li>
 *   <li>carries {@value CorrelationId#HTTP_HEADER} (and {@value CorrelationId#CAUSATION_HTTP_HEADER})
 *       from the current {@link CorrelationContext}, and W3C {@code traceparent}/{@code tracestate}
 *       from the current OpenTelemetry context if its span is valid, unless the request sets them.</li>
 * </ul>
 *
 * <p>Each call is traced with the {@linkplain Builder#openTelemetry(OpenTelemetry) OpenTelemetry}
 * given: an {@code INTERNAL} span named after the method (e.g. {@code GET}) for the logical call, and
 * under it a {@code CLIENT} span per attempt with {@code http.request.method}, {@code server.address},
 * {@code server.port}, {@code url.full}, {@code http.response.status_code},
 * {@code http.request.resend_count} (on retries) and {@code error.type} (the status code from 400
 * on, or the exception's class). The {@code traceparent} sent is the attempt's span, so the
 * server's span is its child. Each attempt's duration goes to the {@code http.client.request.duration}
 * histogram (seconds) with the method, server address and port, scheme, status code and error type.
 *
 * <p>Idempotent requests ({@code GET}, {@code HEAD}, {@code OPTIONS}, {@code PUT}, {@code DELETE},
 * {@code TRACE}, or any request with an {@value #IDEMPOTENCY_KEY_HEADER} header) are retried after
 * a connection failure, a timeout or a 5xx, on an instance not tried yet when there is one, up to
 * {@linkplain Builder#maxAttempts(int) maxAttempts} in all and without delay. Other requests
 * ({@code POST}, {@code PATCH}) are sent once. The request's body publisher must support being sent
 * more than once for retries ({@code ofString}, {@code ofByteArray} and {@code ofFile} do).
 *
 * <p>{@link #sendAsync(HttpRequest, HttpResponse.BodyHandler)} does the same without blocking, on
 * the JDK client's {@code sendAsync}.
 *
 * <p>If every attempt ended in a 5xx, the last response is returned. Otherwise failures are thrown,
 * each listing the {@linkplain ServiceCallException#attempts() attempts}:
 * {@link NoInstanceAvailableException}, {@link AllCircuitsOpenException},
 * {@link ServiceTimeoutException}, or {@link ServiceCallException} for connection failures.
 *
 * <p>Instances are thread-safe and intended to be shared; the client holds no resources of its own.
 */
public final class ServiceClient {
    /** The header that marks a request as safe to retry, whatever its method (and lets the server deduplicate). */
    public static final String IDEMPOTENCY_KEY_HEADER = "Idempotency-Key";

    final ServiceRegistry registry;
    final HttpClient http;
    final LoadBalancer balancer;
    private final CircuitBreakerRegistry breakers;
    private final @Nullable CircuitBreakerConfig breakerConfig;
    final Duration timeout;
    private final int maxAttempts;
    final ClientTelemetry telemetry;
    private final ConcurrentMap<String, Guard> guards = new ConcurrentHashMap<>();

    private ServiceClient(Builder b) {
        this.registry = b.registry;
        this.http = b.http != null ? b.http : HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        this.balancer = b.balancer;
        this.breakers = b.breakers;
        this.breakerConfig = b.breakerConfig;
        this.timeout = b.timeout;
        this.maxAttempts = b.maxAttempts;
        this.telemetry = new ClientTelemetry(b.openTelemetry);
    }

    /**
     * A builder for a client that looks services up in the given registry.
     *
     * @param registry where instances are found
     * @return a new builder with the defaults
     */
    public static Builder builder(ServiceRegistry registry) {
        return new Builder(requireNonNull(registry, "registry"));
    }

    /**
     * Sends a request to an instance of the service named by the URI's host, retrying idempotent
     * requests as described above.
     *
     * @param request the request, e.g. to {@code http://order-service/orders/1}
     * @param handler the body handler, used for every attempt
     * @param <T> the body type
     * @return the first response below 500, or the last 5xx response when every attempt got one
     * @throws NoInstanceAvailableException if the registry knows no healthy instance
     * @throws AllCircuitsOpenException if every instance that could be tried has an open breaker
     * @throws ServiceTimeoutException if the last attempt timed out
     * @throws ServiceCallException if the last attempt failed to connect or lost its connection, or the
     *     calling thread was interrupted (its interrupt flag is then set again)
     * @throws IllegalArgumentException if the URI has no host or a scheme other than http or https (the
     *     JDK's {@code HttpRequest} already requires both; a port in the URI is ignored)
     */
    public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        requireNonNull(request, "request");
        requireNonNull(handler, "handler");
        ServiceCall<T> call = new ServiceCall<>(this, request, handler, maxAttempts);
        for (AttemptCall<T> attempt = call.next(); attempt != null; attempt = call.next()) {
            try {
                return call.succeeded(attempt, attempt.guard.resilience.call(attempt));
            } catch (Exception e) {
                call.failed(attempt, e);
            }
        }
        return call.finish();
    }

    /**
     * Sends a request like {@link #send(HttpRequest, HttpResponse.BodyHandler)} without blocking:
     * each attempt is the JDK client's {@code sendAsync} behind the instance's breaker, and the next
     * attempt starts when the previous one failed. The correlation and trace context current on the
     * calling thread travel with every attempt.
     *
     * @param request the request, e.g. to {@code http://order-service/orders/1}
     * @param handler the body handler, used for every attempt
     * @param <T> the body type
     * @return a future completed with the response, or failed with one of the exceptions
     *     {@link #send(HttpRequest, HttpResponse.BodyHandler)} throws
     * @throws IllegalArgumentException if the URI names no service
     */
    public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        requireNonNull(request, "request");
        requireNonNull(handler, "handler");
        ServiceCall<T> call;
        try {
            call = new ServiceCall<>(this, request, handler, maxAttempts);
        } catch (ServiceCallException e) {
            return CompletableFuture.failedFuture(e);
        }
        return attemptAsync(call);
    }

    private <T> CompletableFuture<HttpResponse<T>> attemptAsync(ServiceCall<T> call) {
        AttemptCall<T> attempt;
        try {
            attempt = call.next();
            if (attempt == null) {
                return CompletableFuture.completedFuture(call.finish());
            }
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return attempt.guard.resilience.callAsync(attempt::callAsync).toCompletableFuture()
                .handle((response, failure) -> {
                    if (failure == null) {
                        return CompletableFuture.completedFuture(call.succeeded(attempt, response));
                    }
                    try {
                        call.failed(attempt, failure);
                    } catch (RuntimeException | Error e) {
                        return CompletableFuture.<HttpResponse<T>>failedFuture(e);
                    }
                    return attemptAsync(call);
                })
                .thenCompose(next -> next);
    }

    /**
     * The load balancer this client uses.
     *
     * @return the balancer
     */
    public LoadBalancer loadBalancer() {
        return balancer;
    }

    /**
     * The registry of the per-instance circuit breakers.
     *
     * @return the registry given to the builder, or the client's own
     */
    public CircuitBreakerRegistry circuitBreakers() {
        return breakers;
    }

    @Override
    public String toString() {
        return "ServiceClient[" + balancer + ", timeout=" + timeout + ", maxAttempts=" + maxAttempts + "]";
    }

    /** The guard of an instance, created with its breaker on first use. */
    Guard guard(ServiceInstance instance) {
        Guard g = guards.get(instance.id());
        if (g != null) {
            return g;
        }
        return guards.computeIfAbsent(instance.id(), id -> {
            String name = instance.service() + "/" + id;
            var breaker = breakerConfig == null ? breakers.circuitBreaker(name) : breakers.circuitBreaker(name, breakerConfig);
            return new Guard(Resilience.builder(name).circuitBreaker(breaker).build(), breaker.config().timeout());
        });
    }

    /** The guard of an instance if it was created. */
    @Nullable Guard knownGuard(String instanceId) {
        return guards.get(instanceId);
    }

    /** Builds a {@link ServiceClient}. Not thread-safe; {@link #build()} takes a snapshot. */
    public static final class Builder {
        private final ServiceRegistry registry;
        private @Nullable HttpClient http;
        private LoadBalancer balancer = LoadBalancer.powerOfTwoChoices().withOutlierEjection(OutlierEjection.ofDefaults());
        private CircuitBreakerRegistry breakers = CircuitBreakerRegistry.ofDefaults();
        private @Nullable CircuitBreakerConfig breakerConfig;
        private Duration timeout = Duration.ofSeconds(2);
        private int maxAttempts = 3;
        private @Nullable OpenTelemetry openTelemetry;

        private Builder(ServiceRegistry registry) {
            this.registry = registry;
        }

        /**
         * @param http the JDK client that sends the requests; default one with a 2 s connect timeout
         * @return this builder
         */
        public Builder httpClient(HttpClient http) {
            this.http = requireNonNull(http, "http");
            return this;
        }

        /**
         * @param balancer chooses instances; default power of two choices with the default outlier ejection
         * @return this builder
         */
        public Builder loadBalancer(LoadBalancer balancer) {
            this.balancer = requireNonNull(balancer, "balancer");
            return this;
        }

        /**
         * @param breakers where the per-instance breakers ({@code service/instanceId}) are created and
         *     shown; default a registry of the client's own with the default breaker configuration
         * @return this builder
         */
        public Builder circuitBreakers(CircuitBreakerRegistry breakers) {
            this.breakers = requireNonNull(breakers, "breakers");
            return this;
        }

        /**
         * @param config the configuration of the per-instance breakers; default the breaker registry's
         * @return this builder
         */
        public Builder circuitBreakerConfig(CircuitBreakerConfig config) {
            this.breakerConfig = requireNonNull(config, "config");
            return this;
        }

        /**
         * @param timeout the timeout of one attempt for requests without their own, positive; default 2 s
         * @return this builder
         */
        public Builder timeout(Duration timeout) {
            if (requireNonNull(timeout, "timeout").isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeout must be positive, was " + timeout);
            }
            this.timeout = timeout;
            return this;
        }

        /**
         * @param attempts how many attempts an idempotent request gets in all, at least 1; default 3
         * @return this builder
         */
        public Builder maxAttempts(int attempts) {
            if (attempts < 1) {
                throw new IllegalArgumentException("maxAttempts must be at least 1, was " + attempts);
            }
            this.maxAttempts = attempts;
            return this;
        }

        /**
         * @param openTelemetry where the call and attempt spans and the {@code http.client.request.duration}
         *     histogram go; default {@code GlobalOpenTelemetry.getOrNoop()} at each use (a no-op unless one
         *     is registered); {@link OpenTelemetry#noop()} turns them off, while the caller's trace
         *     context still travels
         * @return this builder
         */
        public Builder openTelemetry(OpenTelemetry openTelemetry) {
            this.openTelemetry = requireNonNull(openTelemetry, "openTelemetry");
            return this;
        }

        /**
         * Builds the client.
         *
         * @return the client
         */
        public ServiceClient build() {
            return new ServiceClient(this);
        }
    }
}
