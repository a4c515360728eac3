package dev.chassis.examples.support;

import static java.util.Objects.requireNonNull;

import dev.chassis.core.admin.AdminHandler;
import dev.chassis.core.admin.AdminRoute;
import dev.chassis.core.bus.EventBus;
import dev.chassis.core.config.Config;
import dev.chassis.core.health.HealthCheck;
import dev.chassis.core.lifecycle.LifecycleAction;
import dev.chassis.core.lifecycle.LifecycleComponent;
import dev.chassis.core.lifecycle.ShutdownPhase;
import dev.chassis.discovery.ServiceRegistry;
import io.opentelemetry.api.OpenTelemetry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * What a {@link ServiceDefinition} is wired with — its settings, configuration, event bus, registry,
 * database and clock — and where it adds its parts: HTTP routes, health checks, components started
 * in order, and shutdown hooks. Route handlers may throw {@link ApiException} to answer with its
 * JSON error. Used on one thread during {@link ServiceDefinition#wire}; not thread-safe.
 *
 * <pre>{@code
 * public void wire(ServiceContext context) {
 *     UserStore users = UserStore.create(context.dataSource(), context.schema());
 *     context.get("/users/{id}", request -> JsonApi.ok(users.find(request.pathParam("id"))
 *             .orElseThrow(() -> ApiException.notFound("no user " + request.pathParam("id")))));
 *     context.component(LifecycleComponent.of("projector", projector::start, projector::close));
 * }
 * }</pre>
 */
public final class ServiceContext {
    /** A shutdown hook a service added. */
    record Hook(ShutdownPhase phase, String name, LifecycleAction action) {}

    private final ServiceSettings settings;
    private final Config config;
    private final ServiceDependencies dependencies;
    private final List<AdminRoute> routes = new ArrayList<>();
    private final List<HealthCheck> checks = new ArrayList<>();
    private final List<LifecycleComponent> components = new ArrayList<>();
    private final List<Hook> hooks = new ArrayList<>();

    ServiceContext(ServiceSettings settings, Config config, ServiceDependencies dependencies) {
        this.settings = settings;
        this.config = config;
        this.dependencies = dependencies;
    }

    /** @return the service's name */
    public String name() {
        return settings.service();
    }

    /** @return the CloudEvents source of the service's envelopes, {@code /} and its name */
    public String source() {
        return "/" + settings.service();
    }

    /** @return the settings every service reads */
    public ServiceSettings settings() {
        return settings;
    }

    /** @return the service's configuration, with its {@link ServiceDefinition#configKeys()} declared */
    public Config config() {
        return config;
    }

    /** @return the event bus; shared with other services when they run in one JVM */
    public EventBus bus() {
        return dependencies.bus();
    }

    /** @return the service registry */
    public ServiceRegistry registry() {
        return dependencies.registry();
    }

    /** @return the service's own database */
    public DataSource dataSource() {
        return dependencies.dataSource();
    }

    /** @return the schema for the service's tables, e.g. {@code user_service}; create it with the tables */
    public String schema() {
        return settings.databaseSchema();
    }

    /** @return the clock for timestamps */
    public Clock clock() {
        return dependencies.clock();
    }

    /** @return the OpenTelemetry for spans; a no-op unless configured */
    public OpenTelemetry openTelemetry() {
        return dependencies.openTelemetry();
    }

    /**
     * Adds an HTTP route; {@link ApiException}s it throws are answered with their JSON error.
     *
     * @param route the route
     * @return this context
     */
    public ServiceContext route(AdminRoute route) {
        requireNonNull(route, "route");
        routes.add(new AdminRoute(route.method(), route.pathTemplate(), JsonApi.answeringRefusals(route.handler())));
        return this;
    }

    /**
     * Adds a {@code GET} route.
     *
     * @param pathTemplate e.g. {@code /users/{id}}
     * @param handler the handler
     * @return this context
     */
    public ServiceContext get(String pathTemplate, AdminHandler handler) {
        return route(AdminRoute.get(pathTemplate, handler));
    }

    /**
     * Adds a {@code POST} route.
     *
     * @param pathTemplate e.g. {@code /users}
     * @param handler the handler
     * @return this context
     */
    public ServiceContext post(String pathTemplate, AdminHandler handler) {
        return route(AdminRoute.post(pathTemplate, handler));
    }

    /**
     * Adds a health check; readiness checks decide {@code /ready}, liveness checks {@code /health}.
     * The host already checks the database.
     *
     * @param check the check
     * @return this context
     */
    public ServiceContext healthCheck(HealthCheck check) {
        checks.add(requireNonNull(check, "check"));
        return this;
    }

    /**
     * Adds a component: started in the order added, before the HTTP server, and stopped in reverse
     * after it, e.g. an outbox relay, a projector, a subscription.
     *
     * @param component the component
     * @return this context
     */
    public ServiceContext component(LifecycleComponent component) {
        components.add(requireNonNull(component, "component"));
        return this;
    }

    /**
     * Adds a step to the graceful shutdown, e.g. draining a consumer in {@link ShutdownPhase#DRAIN}.
     *
     * @param phase the phase
     * @param name the step's name in the shutdown report
     * @param action the step
     * @return this context
     */
    public ServiceContext onShutdown(ShutdownPhase phase, String name, LifecycleAction action) {
        hooks.add(new Hook(requireNonNull(phase, "phase"), requireNonNull(name, "name"), requireNonNull(action, "action")));
        return this;
    }

    List<AdminRoute> routes() {
        return List.copyOf(routes);
    }

    List<HealthCheck> checks() {
        return List.copyOf(checks);
    }

    List<LifecycleComponent> components() {
        return List.copyOf(components);
    }

    List<Hook> hooks() {
        return List.copyOf(hooks);
    }
}
