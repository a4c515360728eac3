package dev.chassis.examples.gateway;

import static java.util.Objects.requireNonNull;

import dev.chassis.core.NonRetryableException;
import dev.chassis.core.health.HealthRegistry;
import dev.chassis.core.resilience.CircuitBreaker;
import dev.chassis.core.resilience.CircuitBreakerConfig;
import dev.chassis.core.resilience.CircuitBreakerRegistry;
import dev.chassis.core.resilience.Resilience;
import dev.chassis.discovery.ServiceRegistry;
import dev.chassis.discovery.balancer.LoadBalancer;
import dev.chassis.discovery.balancer.OutlierEjection;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jetty.http.HttpCompliance;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.jspecify.annotations.Nullable;

/**
 * The example system's API gateway: an HTTP server that forwards {@code /api/users/**} and
 * {@code /api/orders/**} (or any {@link Route}s) to instances found in a {@link ServiceRegistry},
 * through Jetty's reverse proxy.
 *
 * <ul>
 *   <li><b>Routing</b>: the first route whose prefix matches whole path segments wins; the prefix is
 *       replaced by the route's upstream prefix and the query is kept. No route: 404.</li>
 *   <li><b>Instances</b>: the registry's healthy instances of the route's service, one chosen per
 *       request by the {@link LoadBalancer} (round-robin with outlier ejection by default).</li>
 *   <li><b>Breaker</b>: one {@link CircuitBreaker} per route, named {@code gateway<prefix>}; a 5xx,
 *       a timeout or a connection failure counts against it. While it is open, and while the
 *       service has no instance, the answer is 503 {@code {"error":"Service temporarily unavailable"}}.</li>
 *   <li><b>Timeouts</b>: {@link Builder#upstreamTimeout(Duration)} bounds each forwarded exchange
 *       (504 JSON); {@link Builder#connectTimeout(Duration)} the connection (503 JSON).</li>
 *   <li><b>Edge rules</b>: only registry instances are ever contacted; paths that could be read in
 *       two ways ({@code //}, {@code ..}, encoded {@code / \ . %}, backslash, {@code ;}) get 400;
 *       {@code Content-Length} with {@code Transfer-Encoding}, or two lengths, get 400; bodies over
 *       {@link Builder#maxRequestBodySize(long)} get 413; hop-by-hop headers, {@code Forwarded} and
 *       client-sent {@code X-Forwarded-*} are dropped and the gateway sets
 *       {@code X-Forwarded-For/Proto/Host} from the connection.</li>
 *   <li><b>Context</b>: {@code x-correlation-id} is checked (a missing or invalid one is replaced),
 *       returned to the client and sent upstream; a {@code SERVER} span continues the caller's W3C
 *       trace context and is propagated upstream (with a no-op OpenTelemetry, the caller's context
 *       is passed on as it came, if valid).</li>
 *   <li>{@code GET /health} and {@code GET /ready} answer the {@link HealthRegistry}'s reports.</li>
 * </ul>
 *
 * <pre>{@code
 * try (ApiGateway gateway = ApiGateway.start(registry, 8080)) {
 *     System.out.println("gateway on " + gateway.uri());
 * }
 * }</pre>
 *
 * <p>Instances are thread-safe. {@link #start()} once, {@link #close()} to stop; closing marks the
 * health registry as shutting down first.
 */
public final class ApiGateway implements AutoCloseable {
    private final Builder settings;
    private final Server server;
    private final ServerConnector connector;
    private final HealthRegistry health;
    private final CircuitBreakerRegistry breakers;
    private final InlineScheduler scheduler = new InlineScheduler();

    private ApiGateway(Builder builder) {
        this.settings = builder.copy();
        this.health = settings.health == null ? HealthRegistry.builder().build() : settings.health;
        this.breakers = settings.breakers;
        List<RouteGuard> guards = new ArrayList<>();
        CircuitBreakerConfig breakerConfig = breakerConfig(settings.breakerConfig, settings.upstreamTimeout);
        for (Route route : settings.routes) {
            String name = "gateway" + route.prefix();
            CircuitBreaker breaker = breakers.circuitBreaker(name, breakerConfig);
            guards.add(new RouteGuard(route, Resilience.builder(name).circuitBreaker(breaker).scheduler(scheduler).build()));
        }
        TextMapPropagator propagator = settings.openTelemetry.getPropagators().getTextMapPropagator();
        if (propagator == TextMapPropagator.noop()) {
            propagator = W3CTraceContextPropagator.getInstance();  // without telemetry the context still travels
        }
        GatewayProxy proxy = new GatewayProxy(List.copyOf(guards), settings.registry, settings.balancer,
                settings.upstreamTimeout, settings.connectTimeout, settings.maxRequestBodySize,
                settings.openTelemetry.getTracer("dev.chassis.examples.gateway"), propagator, health);

        QueuedThreadPool threads = new QueuedThreadPool(settings.maxThreads);
        threads.setName("gateway");
        this.server = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        http.setRequestHeaderSize(settings.maxRequestHeaderSize);
        http.setHttpCompliance(HttpCompliance.RFC9110);
        http.setUriCompliance(UriCompliance.DEFAULT);
        this.connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost(settings.host);
        connector.setPort(settings.port);
        connector.setIdleTimeout(settings.idleTimeout.toMillis());
        server.addConnector(connector);
        server.setErrorHandler(new JsonErrorHandler());
        server.setHandler(proxy);
        server.setStopTimeout(settings.stopTimeout.toMillis());
    }

    /** The breaker must outlast the upstream timeout, so that Jetty's timeout (504) decides first. */
    private static CircuitBreakerConfig breakerConfig(CircuitBreakerConfig config, Duration upstreamTimeout) {
        Duration least = upstreamTimeout.plusSeconds(1);
        return config.timeout().compareTo(least) >= 0 ? config : config.toBuilder().timeout(least).build();
    }

    /**
     * A builder for a gateway over the given registry, with the {@linkplain Route#defaults() example
     * routes} on port 8080.
     *
     * @param registry where the routes' services are looked up
     * @return a new builder
     */
    public static Builder builder(ServiceRegistry registry) {
        return new Builder(requireNonNull(registry, "registry"));
    }

    /**
     * Starts a gateway with the example routes and defaults on all interfaces.
     *
     * @param registry where the services are looked up
     * @param port the port, or 0 for any free one (see {@link #port()})
     * @return the running gateway
     * @throws NonRetryableException if the server could not start, e.g. the port is taken
     */
    public static ApiGateway start(ServiceRegistry registry, int port) {
        return builder(registry).port(port).build().start();
    }

    /**
     * Starts the server.
     *
     * @return this gateway, running
     * @throws NonRetryableException if the server could not start, e.g. the port is taken
     * @throws IllegalStateException if it was started before
     */
    public ApiGateway start() {
        if (server.isStarted() || server.isStarting()) {
            throw new IllegalStateException("the gateway was started already");
        }
        try {
            server.start();
        } catch (Exception e) {
            try {
                server.stop();
            } catch (Exception suppressed) {
                e.addSuppressed(suppressed);
            }
            throw new NonRetryableException("the gateway could not start on " + settings.host + ":" + settings.port
                    + " (" + e + "); choose another port with PORT or port(...)", e);
        }
        return this;
    }

    /**
     * The port the gateway listens on.
     *
     * @return the bound port once started (also when 0 was asked for), else the configured one
     */
    public int port() {
        int local = connector.getLocalPort();
        return local > 0 ? local : settings.port;
    }

    /**
     * The gateway's base address as seen from this host.
     *
     * @return {@code http://127.0.0.1:<port>} for a gateway bound to all interfaces, else its host
     */
    public URI uri() {
        String host = settings.host.equals("0.0.0.0") || settings.host.equals("::") ? "127.0.0.1" : settings.host;
        return URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port());
    }

    /**
     * The breakers of the routes, one per route named {@code gateway<prefix>}, e.g.
     * {@code gateway/api/orders}; their admin routes show them.
     *
     * @return the registry given to the builder, or the gateway's own
     */
    public CircuitBreakerRegistry circuitBreakers() {
        return breakers;
    }

    /**
     * The health registry behind {@code /health} and {@code /ready}.
     *
     * @return the registry given to the builder, or the gateway's own
     */
    public HealthRegistry health() {
        return health;
    }

    /** Marks the gateway as shutting down ({@code /ready} answers 503), then stops the server. */
    @Override
    public void close() {
        health.markShuttingDown();
        try {
            server.stop();
        } catch (Exception e) {
            throw new NonRetryableException("the gateway did not stop cleanly: " + e, e);
        } finally {
            scheduler.shutdownNow();
        }
    }

    @Override
    public String toString() {
        return "ApiGateway[" + settings.host + ":" + port() + ", routes=" + settings.routes + "]";
    }

    /**
     * Configures an {@link ApiGateway}. Not thread-safe; {@link #build()} takes a snapshot.
     */
    public static final class Builder {
        private final ServiceRegistry registry;
        private String host = "0.0.0.0";
        private int port = 8080;
        private List<Route> routes = Route.defaults();
        private LoadBalancer balancer = LoadBalancer.roundRobin().withOutlierEjection(OutlierEjection.ofDefaults());
        private CircuitBreakerRegistry breakers = CircuitBreakerRegistry.ofDefaults();
        private CircuitBreakerConfig breakerConfig = CircuitBreakerConfig.ofDefaults();
        private Duration upstreamTimeout = Duration.ofSeconds(10);
        private Duration connectTimeout = Duration.ofSeconds(2);
        private Duration idleTimeout = Duration.ofSeconds(30);
        private Duration stopTimeout = Duration.ofSeconds(5);
        private long maxRequestBodySize = 1024 * 1024;
        private int maxRequestHeaderSize = 8 * 1024;
        private int maxThreads = 200;
        private OpenTelemetry openTelemetry = OpenTelemetry.noop();
        private @Nullable HealthRegistry health;

        private Builder(ServiceRegistry registry) {
            this.registry = registry;
        }

        private Builder copy() {
            Builder copy = new Builder(registry);
            copy.host = host;
            copy.port = port;
            copy.routes = List.copyOf(routes);
            copy.balancer = balancer;
            copy.breakers = breakers;
            copy.breakerConfig = breakerConfig;
            copy.upstreamTimeout = upstreamTimeout;
            copy.connectTimeout = connectTimeout;
            copy.idleTimeout = idleTimeout;
            copy.stopTimeout = stopTimeout;
            copy.maxRequestBodySize = maxRequestBodySize;
            copy.maxRequestHeaderSize = maxRequestHeaderSize;
            copy.maxThreads = maxThreads;
            copy.openTelemetry = openTelemetry;
            copy.health = health;
            return copy;
        }

        /**
         * The address to listen on.
         *
         * @param host an interface address or name; {@code 0.0.0.0} (all interfaces) by default
         * @return this builder
         */
        public Builder host(String host) {
            this.host = requireNonNull(host, "host");
            return this;
        }

        /**
         * The port to listen on.
         *
         * @param port 0 to 65535; 0 for any free port; 8080 by default
         * @return this builder
         */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be between 0 and 65535, was " + port);
            }
            this.port = port;
            return this;
        }

        /**
         * The routes, tried in order; replaces the {@linkplain Route#defaults() example routes}.
         *
         * @param routes at least one route, with distinct prefixes
         * @return this builder
         */
        public Builder routes(List<Route> routes) {
            requireNonNull(routes, "routes");
            if (routes.isEmpty()) {
                throw new IllegalArgumentException("routes must not be empty");
            }
            if (routes.stream().map(Route::prefix).distinct().count() != routes.size()) {
                throw new IllegalArgumentException("two routes have the same prefix: " + routes);
            }
            this.routes = List.copyOf(routes);
            return this;
        }

        /**
         * Chooses the instance for each request.
         *
         * @param balancer the balancer; round-robin with default outlier ejection by default
         * @return this builder
         */
        public Builder loadBalancer(LoadBalancer balancer) {
            this.balancer = requireNonNull(balancer, "balancer");
            return this;
        }

        /**
         * Where the routes' breakers are created, e.g. the application's registry so that its admin
         * routes show them.
         *
         * @param breakers the registry; a new one by default
         * @return this builder
         */
        public Builder circuitBreakers(CircuitBreakerRegistry breakers) {
            this.breakers = requireNonNull(breakers, "breakers");
            return this;
        }

        /**
         * The configuration of every route's breaker. Its timeout is raised to the upstream timeout
         * plus one second if it is shorter, so that a slow upstream gets 504 from the gateway's own
         * timeout.
         *
         * @param config the configuration; {@link CircuitBreakerConfig#ofDefaults()} by default
         * @return this builder
         */
        public Builder circuitBreaker(CircuitBreakerConfig config) {
            this.breakerConfig = requireNonNull(config, "config");
            return this;
        }

        /**
         * How long one forwarded exchange may take, response body included; then 504.
         *
         * @param timeout positive; 10 s by default
         * @return this builder
         */
        public Builder upstreamTimeout(Duration timeout) {
            this.upstreamTimeout = positive(timeout, "upstreamTimeout");
            return this;
        }

        /**
         * How long connecting to an instance may take; then 503.
         *
         * @param timeout positive; 2 s by default
         * @return this builder
         */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = positive(timeout, "connectTimeout");
            return this;
        }

        /**
         * How long an idle client connection is kept open.
         *
         * @param timeout positive; 30 s by default
         * @return this builder
         */
        public Builder idleTimeout(Duration timeout) {
            this.idleTimeout = positive(timeout, "idleTimeout");
            return this;
        }

        /**
         * The largest request body forwarded; larger ones get 413.
         *
         * @param bytes at least 0; 1 MiB by default
         * @return this builder
         */
        public Builder maxRequestBodySize(long bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("maxRequestBodySize must not be negative, was " + bytes);
            }
            this.maxRequestBodySize = bytes;
            return this;
        }

        /**
         * The largest request line and header section; larger ones get 431 (or 414 for the line).
         *
         * @param bytes at least 1024; 8 KiB by default
         * @return this builder
         */
        public Builder maxRequestHeaderSize(int bytes) {
            if (bytes < 1024) {
                throw new IllegalArgumentException("maxRequestHeaderSize must be at least 1024, was " + bytes);
            }
            this.maxRequestHeaderSize = bytes;
            return this;
        }

        /**
         * The most threads of the server (shared with the proxy's client).
         *
         * @param threads at least 8; 200 by default
         * @return this builder
         */
        public Builder maxThreads(int threads) {
            if (threads < 8) {
                throw new IllegalArgumentException("maxThreads must be at least 8, was " + threads);
            }
            this.maxThreads = threads;
            return this;
        }

        /**
         * Where server spans go and which propagators apply.
         *
         * @param openTelemetry e.g. {@code telemetry.openTelemetry()}; {@link OpenTelemetry#noop()} by default
         * @return this builder
         */
        public Builder openTelemetry(OpenTelemetry openTelemetry) {
            this.openTelemetry = requireNonNull(openTelemetry, "openTelemetry");
            return this;
        }

        /**
         * The health registry behind {@code /health} and {@code /ready}.
         *
         * @param health the registry; one without checks by default
         * @return this builder
         */
        public Builder health(HealthRegistry health) {
            this.health = requireNonNull(health, "health");
            return this;
        }

        /**
         * Builds the gateway, not yet started.
         *
         * @return the gateway
         */
        public ApiGateway build() {
            return new ApiGateway(this);
        }

        private static Duration positive(Duration duration, String name) {
            requireNonNull(duration, name);
            if (duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException(name + " must be positive, was " + duration);
            }
            return duration;
        }
    }
}
