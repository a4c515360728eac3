package dev.chassis.examples.support;

import static java.util.Objects.requireNonNull;

import dev.chassis.core.admin.AdminRoute;
import dev.chassis.core.admin.AdminServer;
import dev.chassis.core.config.Config;
import dev.chassis.core.health.HealthCheck;
import dev.chassis.core.health.HealthChecks;
import dev.chassis.core.health.HealthRegistry;
import dev.chassis.core.health.HealthResult;
import dev.chassis.core.lifecycle.Lifecycle;
import dev.chassis.core.lifecycle.LifecycleComponent;
import dev.chassis.core.lifecycle.LifecycleException;
import dev.chassis.core.lifecycle.ShutdownPhase;
import dev.chassis.discovery.HealthCheckSpec;
import dev.chassis.discovery.Registration;
import dev.chassis.discovery.ServiceInstance;
import dev.chassis.observability.CorrelationHttpFilter;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

/**
 * Starts a {@link ServiceDefinition} in this JVM on the {@link ServiceDependencies} it is given: wires
 * it, serves its routes with {@code /health}, {@code /ready} and {@code /chassis/config} on one HTTP
 * server (JSON errors: 400, 404, 405, 413, 415), registers the instance, and shuts it down gracefully
 * on {@link RunningService#shutdown()}: readiness down, deregister, the service's drain steps, then
 * the server and the components in reverse start order. Static methods only; thread-safe.
 *
 * <pre>{@code
 * try (RunningService users = ServiceHost.start(new UserService(), dependencies)) {
 *     URI api = users.uri();    // http://127.0.0.1:41234
 * }
 * }</pre>
 */
public final class ServiceHost {
    /** The largest request body the API accepts; larger ones get 413. */
    public static final int MAX_BODY_BYTES = 64 * 1024;

    private static final int THREADS = 8;
    private static final Duration REGISTRY_CHECK_INTERVAL = Duration.ofSeconds(10);

    private ServiceHost() {}

    /**
     * The configuration of a service: {@link ServiceSettings#keys()} and the definition's own keys,
     * read from the given variables and system properties.
     *
     * @param definition the service
     * @param env the variables, e.g. {@link System#getenv()}
     * @param systemProperties e.g. {@link System#getProperties()}
     * @return the configuration
     * @throws dev.chassis.core.config.ConfigException listing every missing or malformed value
     */
    public static Config config(ServiceDefinition definition, Map<String, String> env, Properties systemProperties) {
        requireNonNull(definition, "definition");
        return Config.builder()
                .env(requireNonNull(env, "env"))
                .systemProperties(requireNonNull(systemProperties, "systemProperties"))
                .declare(ServiceSettings.keys())
                .declare(definition.configKeys())
                .build();
    }

    /**
     * Wires and starts a service.
     *
     * @param definition the service
     * @param dependencies what it runs on
     * @return the running service
     * @throws dev.chassis.core.config.ConfigException if its configuration is invalid
     * @throws LifecycleException if wiring or a component failed; what
     *     was started is stopped again
     */
    public static RunningService start(ServiceDefinition definition, ServiceDependencies dependencies) {
        requireNonNull(definition, "definition");
        requireNonNull(dependencies, "dependencies");
        Config config = dependencies.config()
                .orElseGet(() -> config(definition, dependencies.env(), new Properties()));
        ServiceSettings settings = ServiceSettings.of(definition.name(), config);
        ServiceContext context = new ServiceContext(settings, config, dependencies);
        try {
            definition.wire(context);
        } catch (Exception e) {
            throw new LifecycleException(definition.name(), definition.name() + " could not be wired: "
                    + e.getMessage(), e);
        }

        HealthRegistry health = HealthRegistry.builder()
                .check(HealthCheck.liveness("process", HealthResult::up))
                .check(HealthChecks.dataSource("database", dependencies.dataSource()))
                .checks(context.checks())
                .build();
        AdminServer server = AdminServer.builder()
                .host(settings.host())
                .port(dependencies.port().orElse(settings.port()))
                .threads(THREADS)
                .maxBodyBytes(MAX_BODY_BYTES)
                .routes(context.routes())
                .routes(health.adminRoutes())
                .route(config.adminRoute())
                .filter(correlation(dependencies, context.routes()))
                .filter(new JsonContentTypeFilter())
                .build();

        Lifecycle lifecycle = Lifecycle.ofDefaults();
        context.components().forEach(lifecycle::add);
        lifecycle.add(LifecycleComponent.of("http-server", server::start, server::close));
        String instanceId = definition.name() + "-" + UUID.randomUUID().toString().substring(0, 8);
        lifecycle.onShutdown(ShutdownPhase.READINESS_DOWN, "readiness", health::markShuttingDown);
        if (dependencies.register()) {
            lifecycle.add(LifecycleComponent.of("registration",
                    () -> dependencies.registry().register(registration(definition.name(), instanceId, settings, server)),
                    () -> { }));
            lifecycle.onShutdown(ShutdownPhase.DEREGISTER, "deregistration",
                    dependencies.registry().deregistration(instanceId, Duration.ZERO));
        }
        for (ServiceContext.Hook hook : context.hooks()) {
            lifecycle.onShutdown(hook.phase(), hook.name(), hook.action());
        }
        lifecycle.onShutdown(ShutdownPhase.CLOSE, "health", health::close);
        for (ServiceDependencies.Closing closing : dependencies.closing()) {
            lifecycle.onShutdown(ShutdownPhase.CLOSE, closing.name(), closing.action());
        }
        lifecycle.start();
        return new RunningService(definition.name(), instanceId, config, health, lifecycle,
                URI.create("http://" + advertisedHost(settings.host()) + ":" + server.port()));
    }

    private static CorrelationHttpFilter correlation(ServiceDependencies dependencies, Collection<AdminRoute> routes) {
        CorrelationHttpFilter.Builder filter = CorrelationHttpFilter.builder(dependencies.openTelemetry());
        List<String> templates = new ArrayList<>();
        for (AdminRoute route : routes) {
            if (!templates.contains(route.pathTemplate())) {
                templates.add(route.pathTemplate());
                filter.pathTemplate(route.pathTemplate());
            }
        }
        return filter.build();
    }

    private static Registration registration(String service, String instanceId, ServiceSettings settings,
            AdminServer server) {
        String host = advertisedHost(settings.host());
        URI health = URI.create("http://" + host + ":" + server.port() + "/health");
        return new Registration(ServiceInstance.of(service, instanceId, host, server.port()),
                HealthCheckSpec.http(health, REGISTRY_CHECK_INTERVAL));
    }

    /** The address others reach the service on: the listening one, or this host's name when it listens on all. */
    static String advertisedHost(String host) {
        if (!host.equals("0.0.0.0") && !host.equals("::")) {
            return host;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "127.0.0.1";
        }
    }
}
