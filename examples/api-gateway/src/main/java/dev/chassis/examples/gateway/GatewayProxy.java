package dev.chassis.examples.gateway;

import dev.chassis.core.context.CorrelationContext;
import dev.chassis.core.context.CorrelationId;
import dev.chassis.core.health.HealthReport;
import dev.chassis.core.health.HealthRegistry;
import dev.chassis.discovery.ServiceInstance;
import dev.chassis.discovery.ServiceRegistry;
import dev.chassis.discovery.balancer.CallOutcome;
import dev.chassis.discovery.balancer.LoadBalancer;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.net.ConnectException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.proxy.ProxyHandler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's request handling on top of Jetty's reverse {@link ProxyHandler}: edge checks,
 * routing, the route's breaker, the choice of an instance, the headers sent upstream and the JSON
 * answers for everything the gateway decides itself. Jetty does the forwarding: the connection
 * pool, streaming both bodies, and the hop-by-hop handling of responses.
 *
 * <p>Thread-safe: one instance serves every request of the server.
 */
final class GatewayProxy extends ProxyHandler {
    private static final Logger log = LoggerFactory.getLogger(GatewayProxy.class);
    private static final String EXCHANGE = GatewayProxy.class.getName() + ".exchange";
    /** RFC 9110 section 7.6.1 plus the obsolete Proxy-Connection; any Proxy-* is dropped as well. */
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-connection", "te",
            "trailer", "transfer-encoding", "upgrade");
    /** Set by the gateway itself, so never taken from the client. */
    private static final Set<String> REPLACED = Set.of("host", "forwarded", "x-forwarded-for", "x-forwarded-proto",
            "x-forwarded-host", "x-forwarded-port", "x-forwarded-prefix", "x-forwarded-server", "x-real-ip", "via",
            CorrelationId.HTTP_HEADER, CorrelationId.CAUSATION_HTTP_HEADER, "traceparent", "tracestate");
    private static final Set<String> REFUSED_METHODS = Set.of("CONNECT", "TRACE");

    private final List<RouteGuard> routes;
    private final ServiceRegistry registry;
    private final LoadBalancer balancer;
    private final Duration upstreamTimeout;
    private final Duration connectTimeout;
    private final long maxBodyBytes;
    private final Tracer tracer;
    private final TextMapPropagator propagator;
    private final HealthRegistry health;

    GatewayProxy(List<RouteGuard> routes, ServiceRegistry registry, LoadBalancer balancer, Duration upstreamTimeout,
            Duration connectTimeout, long maxBodyBytes, Tracer tracer, TextMapPropagator propagator, HealthRegistry health) {
        this.routes = routes;
        this.registry = registry;
        this.balancer = balancer;
        this.upstreamTimeout = upstreamTimeout;
        this.connectTimeout = connectTimeout;
        this.maxBodyBytes = maxBodyBytes;
        this.tracer = tracer;
        this.propagator = propagator;
        this.health = health;
        setUseServerThreadPool(true);
        setViaHost("api-gateway");
    }

    @Override
    protected void configureHttpClient(HttpClient httpClient) {
        super.configureHttpClient(httpClient);
        httpClient.setConnectTimeout(connectTimeout.toMillis());
        httpClient.setUserAgentField(null);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        CorrelationContext correlation = CorrelationContext.fromIncoming(
                request.getHeaders().get(CorrelationId.HTTP_HEADER), request.getHeaders().get(CorrelationId.CAUSATION_HTTP_HEADER));
        response.getHeaders().put(CorrelationId.HTTP_HEADER, correlation.correlationId());
        String path = request.getHttpURI().getPath();
        if (path == null || RequestTarget.problem(path).isPresent()) {
            answerError(request, response, callback, HttpStatus.BAD_REQUEST_400);
            return true;
        }
        String method = request.getMethod();
        if (REFUSED_METHODS.contains(method)) {
            answerError(request, response, callback, HttpStatus.METHOD_NOT_ALLOWED_405);
            return true;
        }
        if (path.equals("/health") || path.equals("/ready")) {
            HealthReport report = path.equals("/health") ? health.liveness() : health.readiness();
            answer(request, response, () -> JsonResponses.write(response, callback, report.httpStatus(), report.toJson()));
            return true;
        }
        if (request.getLength() > maxBodyBytes) {
            // the body is not read, so the connection cannot carry another request
            response.getHeaders().put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString());
            JsonResponses.writeError(response, callback, HttpStatus.PAYLOAD_TOO_LARGE_413);
            return true;
        }
        RouteGuard guard = match(path);
        if (guard == null) {
            answerError(request, response, callback, HttpStatus.NOT_FOUND_404);
            return true;
        }
        Exchange exchange = startExchange(request, guard, path, correlation);
        Callback traced = new SpanEndingCallback(callback, exchange.span, response);
        List<ServiceInstance> instances = registry.healthyInstances(guard.route().service());
        if (instances.isEmpty()) {
            exchange.span.setAttribute("chassis.gateway.fallback", "no instance");
            answerError(request, response, traced, HttpStatus.SERVICE_UNAVAILABLE_503);
            return true;
        }
        request.setAttribute(EXCHANGE, exchange);
        guard.resilience().callAsync(() -> forward(request, response, traced, exchange, instances))
                .whenComplete((status, failure) -> {
                    if (failure != null && exchange.instance() == null) {
                        // the breaker refused (or choosing failed): nothing was sent upstream
                        exchange.span.setAttribute("chassis.gateway.fallback", failure.getClass().getSimpleName());
                        answerError(request, response, traced, HttpStatus.SERVICE_UNAVAILABLE_503);
                    }
                });
        return true;
    }

    /** {@link #answer} with {@code {"error": message(status)}}. */
    private void answerError(Request request, Response response, Callback callback, int status) {
        answer(request, response, () -> JsonResponses.writeError(response, callback, status));
    }

    /**
     * Runs {@code write}, an answer of the gateway's own, once the rest of the request body was read
     * (see {@link RequestDrain}), so that the client's connection stays usable; if the body cannot be
     * read, the answer says {@code Connection: close}, which Jetty then does.
     */
    private void answer(Request request, Response response, Runnable write) {
        RequestDrain.drain(request, maxBodyBytes, Callback.from(write, failure -> {
            response.getHeaders().put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString());
            write.run();
        }));
    }

    private @Nullable RouteGuard match(String path) {
        for (RouteGuard guard : routes) {
            if (guard.route().rewrite(path).isPresent()) {
                return guard;
            }
        }
        return null;
    }

    private Exchange startExchange(Request request, RouteGuard guard, String path, CorrelationContext correlation) {
        Route route = guard.route();
        String method = request.getMethod();
        String spanMethod = HttpMethod.fromString(method) == null ? "_OTHER" : method;
        String httpRoute = route.prefix() + "/**";
        Context parent = propagator.extract(Context.root(), request, JettyCarriers.REQUEST_GETTER);
        Span span = tracer.spanBuilder((spanMethod.equals("_OTHER") ? "HTTP" : spanMethod) + " " + httpRoute)
                .setSpanKind(SpanKind.SERVER)
                .setParent(parent)
                .setAttribute("http.request.method", spanMethod)
                .setAttribute("url.path", path)
                .setAttribute("http.route", httpRoute)
                .startSpan();
        String upstreamPath = route.rewrite(path).orElseThrow();
        return new Exchange(guard, upstreamPath, request.getHttpURI().getQuery(), correlation, span, parent.with(span));
    }

    /** One attempt, admitted by the breaker: choose an instance and let Jetty forward the request. */
    private CompletableFuture<Integer> forward(Request request, Response response, Callback callback, Exchange exchange,
            List<ServiceInstance> instances) {
        ServiceInstance chosen = balancer.choose(exchange.guard.route().service(), instances);
        exchange.forwardTo(chosen);
        balancer.onStart(chosen);
        try {
            super.handle(request, response, callback);
        } catch (RuntimeException e) {
            log.warn("could not forward a request to {}", chosen.id(), e);
            exchange.answered.completeExceptionally(e);
            answerError(request, response, callback, HttpStatus.BAD_GATEWAY_502);
        }
        return exchange.answered;
    }

    @Override
    protected HttpURI rewriteHttpURI(Request clientToProxyRequest) {
        Exchange exchange = exchange(clientToProxyRequest);
        ServiceInstance instance = Objects.requireNonNull(exchange.instance(), "instance");
        return HttpURI.build(instance.uri("http")).path(exchange.upstreamPath).query(exchange.query);
    }

    @Override
    protected org.eclipse.jetty.client.Request newProxyToServerRequest(Request clientToProxyRequest, HttpURI newHttpURI) {
        return super.newProxyToServerRequest(clientToProxyRequest, newHttpURI)
                .timeout(upstreamTimeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    protected void copyRequestHeaders(Request clientToProxyRequest, org.eclipse.jetty.client.Request proxyToServerRequest) {
        Set<String> named = JettyCarriers.connectionTokens(clientToProxyRequest.getHeaders());
        for (HttpField field : clientToProxyRequest.getHeaders()) {
            String name = field.getLowerCaseName();
            if (HOP_BY_HOP.contains(name) || name.startsWith("proxy-") || REPLACED.contains(name) || named.contains(name)) {
                continue;
            }
            proxyToServerRequest.headers(headers -> headers.add(field));
        }
    }

    @Override
    protected void addProxyHeaders(Request clientToProxyRequest, org.eclipse.jetty.client.Request proxyToServerRequest) {
        Exchange exchange = exchange(clientToProxyRequest);
        String host = clientToProxyRequest.getHeaders().get(HttpHeader.HOST);
        proxyToServerRequest.headers(headers -> {
            headers.put(HttpHeader.VIA, clientToProxyRequest.getConnectionMetaData().getHttpVersion().asString()
                    .replace("HTTP/", "") + " " + getViaHost());
            headers.put(HttpHeader.X_FORWARDED_FOR, Request.getRemoteAddr(clientToProxyRequest));
            headers.put(HttpHeader.X_FORWARDED_PROTO, clientToProxyRequest.isSecure() ? "https" : "http");
            if (host != null) {
                headers.put(HttpHeader.X_FORWARDED_HOST, host);
            }
            headers.put(CorrelationId.HTTP_HEADER, exchange.correlation.correlationId());
            exchange.correlation.causationId().ifPresent(id -> headers.put(CorrelationId.CAUSATION_HTTP_HEADER, id));
        });
        propagator.inject(exchange.context, proxyToServerRequest, JettyCarriers.CLIENT_REQUEST_SETTER);
    }

    @Override
    protected org.eclipse.jetty.client.Request.Content newProxyToServerRequestContent(Request clientToProxyRequest,
            Response proxyToClientResponse, org.eclipse.jetty.client.Request proxyToServerRequest) {
        return new LimitedContent(super.newProxyToServerRequestContent(clientToProxyRequest, proxyToClientResponse,
                proxyToServerRequest), maxBodyBytes);
    }

    @Override
    protected org.eclipse.jetty.client.Response.CompleteListener newServerToProxyResponseListener(Request clientToProxyRequest,
            org.eclipse.jetty.client.Request proxyToServerRequest, Response proxyToClientResponse, Callback proxyToClientCallback) {
        return new OutcomeListener(clientToProxyRequest, proxyToServerRequest, proxyToClientResponse, proxyToClientCallback);
    }

    @Override
    protected @Nullable HttpField filterServerToProxyResponseField(HttpField serverToProxyResponseField) {
        String name = serverToProxyResponseField.getLowerCaseName();
        // the gateway's correlation id is already on the response; Proxy-* are hop-by-hop
        return name.equals(CorrelationId.HTTP_HEADER) || name.startsWith("proxy-") ? null : serverToProxyResponseField;
    }

    @Override
    protected void onServerToProxyResponseFailure(Request clientToProxyRequest, org.eclipse.jetty.client.Request proxyToServerRequest,
            org.eclipse.jetty.client.@Nullable Response serverToProxyResponse, Response proxyToClientResponse,
            Callback proxyToClientCallback, Throwable failure) {
        if (proxyToClientResponse.isCommitted()) {
            proxyToClientCallback.failed(failure);
            return;
        }
        Exchange exchange = exchange(clientToProxyRequest);
        proxyToClientResponse.reset();
        proxyToClientResponse.getHeaders().put(CorrelationId.HTTP_HEADER, exchange.correlation.correlationId());
        int status = failureStatus(failure);
        if (status != HttpStatus.PAYLOAD_TOO_LARGE_413) {
            log.warn("{} {} to {} failed: {}", clientToProxyRequest.getMethod(), exchange.guard.route().service(),
                    exchange.instance() == null ? "?" : exchange.instance().id(), failure.toString());
        }
        answerError(clientToProxyRequest, proxyToClientResponse, proxyToClientCallback, status);
    }

    private static int failureStatus(Throwable failure) {
        if (causedBy(failure, LimitedContent.TooLarge.class)) {
            return HttpStatus.PAYLOAD_TOO_LARGE_413;
        }
        if (causedBy(failure, TimeoutException.class)) {
            return HttpStatus.GATEWAY_TIMEOUT_504;
        }
        if (isConnectFailure(failure)) {
            return HttpStatus.SERVICE_UNAVAILABLE_503;
        }
        return HttpStatus.BAD_GATEWAY_502;
    }

    private static CallOutcome outcome(Result result) {
        if (result.isSucceeded()) {
            return result.getResponse().getStatus() >= 500 ? CallOutcome.SERVER_ERROR : CallOutcome.SUCCESS;
        }
        Throwable failure = result.getFailure();
        if (causedBy(failure, LimitedContent.TooLarge.class)) {
            return CallOutcome.CANCELLED;
        }
        return causedBy(failure, TimeoutException.class) ? CallOutcome.TIMEOUT : CallOutcome.CONNECTION_FAILURE;
    }

    private static boolean isConnectFailure(Throwable failure) {
        return causedBy(failure, ConnectException.class) || causedBy(failure, UnresolvedAddressException.class)
                || (failure.getMessage() != null && failure.getMessage().toLowerCase(Locale.ROOT).contains("connect timeout"));
    }

    private static boolean causedBy(@Nullable Throwable failure, Class<? extends Throwable> type) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private static Exchange exchange(Request request) {
        return (Exchange) Objects.requireNonNull(request.getAttribute(EXCHANGE), "exchange");
    }

    /** Tells the breaker (at the status line) and the balancer (at the end) how the call went. */
    private final class OutcomeListener extends ProxyResponseListener {
        private final Exchange exchange;

        OutcomeListener(Request clientToProxyRequest, org.eclipse.jetty.client.Request proxyToServerRequest,
                Response proxyToClientResponse, Callback proxyToClientCallback) {
            super(clientToProxyRequest, proxyToServerRequest, proxyToClientResponse, proxyToClientCallback);
            this.exchange = exchange(clientToProxyRequest);
        }

        @Override
        public void onHeaders(org.eclipse.jetty.client.Response serverToProxyResponse) {
            super.onHeaders(serverToProxyResponse);
            int status = serverToProxyResponse.getStatus();
            if (status >= 500) {
                exchange.answered.completeExceptionally(new Exchange.UpstreamFailure(status));
            } else {
                exchange.answered.complete(status);
            }
        }

        @Override
        public void onComplete(Result result) {
            ServiceInstance instance = exchange.instance();
            if (instance != null) {
                balancer.onComplete(instance, outcome(result), Duration.ofNanos(exchange.elapsedNanos()));
            }
            if (result.isFailed() && causedBy(result.getFailure(), LimitedContent.TooLarge.class)) {
                exchange.answered.complete(HttpStatus.PAYLOAD_TOO_LARGE_413);  // the client's fault, not the service's
            } else if (result.isFailed()) {
                exchange.answered.completeExceptionally(result.getFailure());
            }
            super.onComplete(result);
        }
    }
}
