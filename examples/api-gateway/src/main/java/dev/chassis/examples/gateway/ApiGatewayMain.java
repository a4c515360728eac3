package dev.chassis.examples.gateway;

import dev.chassis.core.config.Config;
import dev.chassis.core.config.ConfigKey;
import dev.chassis.core.lifecycle.Lifecycle;
import dev.chassis.core.lifecycle.LifecycleComponent;
import dev.chassis.core.lifecycle.ShutdownPhase;
import dev.chassis.discovery.ServiceRegistry;
import dev.chassis.discovery.StaticServiceRegistry;
import dev.chassis.discovery.consul.ConsulConfig;
import dev.chassis.discovery.consul.ConsulServiceRegistry;
import dev.chassis.observability.JsonLogging;
import dev.chassis.observability.Telemetry;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the gateway as a process of its own, configured from environment variables:
 *
 * <table>
 *   <caption>Environment</caption>
 *   <tr><th>variable</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code PORT}</td><td>8080</td><td>the port to listen on</td></tr>
 *   <tr><td>{@code GATEWAY_ROUTES}</td><td>the example routes</td>
 *       <td>{@code /api/users=user-service/users,/api/orders=order-service/orders} (see {@link Route#parse(String)})</td></tr>
 *   <tr><td>{@code GATEWAY_UPSTREAM_TIMEOUT_MS}</td><td>10000</td><td>per forwarded exchange; then 504</td></tr>
 *   <tr><td>{@code GATEWAY_MAX_BODY_BYTES}</td><td>1048576</td><td>larger request bodies get 413</td></tr>
 *   <tr><td>{@code CONSUL_HTTP_ADDR}</td><td>none</td><td>a Consul agent ({@code host:port} or a URL): the
 *       services are looked up there; {@code CONSUL_HTTP_TOKEN} is its ACL token</td></tr>
 *   <tr><td>{@code CHASSIS_DISCOVERY_STATIC_USER_SERVICE}, {@code CHASSIS_DISCOVERY_DNS_USER_SERVICE}, ...</td>
 *       <td>none</td><td>without Consul: the instances of each routed service, as for the static registry</td></tr>
 * </table>
 *
 * <p>Logs are JSON lines; OpenTelemetry is configured from the standard {@code OTEL_*} variables.
 * SIGTERM runs the shutdown sequence: {@code /ready} answers 503, then the server stops.
 *
 * <p>Not instantiable; {@link #main(String[])} is the entry point.
 */
public final class ApiGatewayMain {
    private static final Logger log = LoggerFactory.getLogger(ApiGatewayMain.class);

    private ApiGatewayMain() {
    }

    /**
     * Starts the gateway and returns; the JVM's shutdown hook stops it.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        long startNanos = System.nanoTime();
        JsonLogging.builder().service("api-gateway").install();
        Map<String, String> env = System.getenv();
        List<Route> routes = env.containsKey("GATEWAY_ROUTES") ? Route.parse(env.get("GATEWAY_ROUTES")) : Route.defaults();
        Telemetry telemetry = Telemetry.builder().settings(env).serviceName("api-gateway").build();
        ServiceRegistry registry = registry(env, routes);
        ApiGateway gateway = ApiGateway.builder(registry)
                .port(intValue(env, "PORT", 8080))
                .routes(routes)
                .upstreamTimeout(Duration.ofMillis(intValue(env, "GATEWAY_UPSTREAM_TIMEOUT_MS", 10_000)))
                .maxRequestBodySize(intValue(env, "GATEWAY_MAX_BODY_BYTES", 1024 * 1024))
                .openTelemetry(telemetry.openTelemetry())
                .build();

        Lifecycle lifecycle = Lifecycle.ofDefaults();
        lifecycle.add(LifecycleComponent.of("gateway", gateway::start, gateway::close));
        lifecycle.onShutdown(ShutdownPhase.READINESS_DOWN, "readiness", gateway.health()::markShuttingDown);
        lifecycle.onShutdown(ShutdownPhase.CLOSE, "registry", registry::close);
        lifecycle.onShutdown(ShutdownPhase.CLOSE, "telemetry", telemetry::close);
        lifecycle.installShutdownHook();
        lifecycle.start();
        log.info("api-gateway ready on port {} with routes {} after {} ms", gateway.port(), routes,
                Duration.ofNanos(System.nanoTime() - startNanos).toMillis());
    }

    /** Consul when {@code CONSUL_HTTP_ADDR} is set, else the static registry from configuration. */
    static ServiceRegistry registry(Map<String, String> env, List<Route> routes) {
        String[] services = routes.stream().map(Route::service).distinct().toArray(String[]::new);
        List<ConfigKey<?>> keys = new ArrayList<>(StaticServiceRegistry.configKeys(services));
        keys.addAll(ConsulConfig.KEYS);
        Config config = Config.builder().env(env).declare(keys).build();
        String consul = env.get("CONSUL_HTTP_ADDR");
        if (consul != null && !consul.isBlank()) {
            return ConsulServiceRegistry.builder()
                    .config(config)
                    .agent(URI.create(consul.contains("://") ? consul : "http://" + consul))
                    .token(env.get("CONSUL_HTTP_TOKEN"))
                    .build();
        }
        return StaticServiceRegistry.builder().fromConfig(config, services).build();
    }

    private static int intValue(Map<String, String> env, String name, int defaultValue) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number, was '" + value + "'", e);
        }
    }
}
