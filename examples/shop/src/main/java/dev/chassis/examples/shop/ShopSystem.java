package dev.chassis.examples.shop;

import dev.chassis.core.NonRetryableException;
import dev.chassis.core.config.Config;
import dev.chassis.core.config.ConfigKey;
import dev.chassis.core.lifecycle.ShutdownReport;
import dev.chassis.discovery.InMemoryServiceRegistry;
import dev.chassis.examples.email.EmailService;
import dev.chassis.examples.gateway.ApiGateway;
import dev.chassis.examples.inventory.InventoryService;
import dev.chassis.examples.order.OrderService;
import dev.chassis.examples.payment.PaymentService;
import dev.chassis.examples.shipping.ShippingService;
import dev.chassis.examples.support.RunningService;
import dev.chassis.examples.support.ServiceDefinition;
import dev.chassis.examples.support.ServiceDependencies;
import dev.chassis.examples.support.ServiceHost;
import dev.chassis.examples.user.UserService;
import dev.chassis.messaging.InMemoryEventBus;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The example services in one JVM: one in-memory event bus and one in-memory registry shared by all,
 * a database of its own for each, each service's HTTP API on a free port, and the API gateway on
 * {@code GATEWAY_PORT} (8080) routing to them through the registry. Consumers start before producers
 * (the saga's participants before the order service), so that no message finds its queue missing.
 * {@link #close()} stops the gateway, shuts the services down in reverse order, then the bus, the
 * registry and the databases. Not thread-safe.
 */
final class ShopSystem implements AutoCloseable {
    /** The services, in start order. */
    static final List<ServiceDefinition> SERVICES = List.of(new EmailService(), new UserService(),
            new InventoryService(), new PaymentService(), new ShippingService(), new OrderService());
    /** The gateway's port; 0 picks a free one. */
    static final ConfigKey<Integer> GATEWAY_PORT = ConfigKey.integer("GATEWAY_PORT", 0, 65_535).withDefault(8080)
            .description("port of the API gateway in front of the services; 0 for any free one");

    private final InMemoryEventBus bus = InMemoryEventBus.create();
    private final InMemoryServiceRegistry registry = InMemoryServiceRegistry.create();
    private final ShopDatabases databases;
    private final Map<String, RunningService> running = new LinkedHashMap<>();
    private final List<ShutdownReport> reports = new ArrayList<>();
    private @Nullable ApiGateway gateway;
    private boolean closed;

    private ShopSystem(ShopDatabases databases) {
        this.databases = databases;
    }

    static List<String> names() {
        return SERVICES.stream().map(ServiceDefinition::name).toList();
    }

    /** Opens the databases and starts every service; stops what started if one fails. */
    static ShopSystem start(Config config) {
        ShopSystem system = new ShopSystem(ShopDatabases.open(config, names()));
        try {
            for (ServiceDefinition service : SERVICES) {
                system.running.put(service.name(), ServiceHost.start(service, ServiceDependencies.builder()
                        .bus(system.bus)
                        .registry(system.registry)
                        .dataSource(system.databases.database(service.name()).dataSource())
                        .port(0)
                        .build()));
            }
            system.gateway = startGateway(system.registry, config.get(GATEWAY_PORT));
        } catch (RuntimeException e) {
            system.close();
            throw e;
        }
        return system;
    }

    private static ApiGateway startGateway(InMemoryServiceRegistry registry, int port) {
        try {
            return ApiGateway.start(registry, port);
        } catch (NonRetryableException e) {
            throw new NonRetryableException("the gateway could not start on port " + port + " (" + e.getMessage()
                    + "); set GATEWAY_PORT to a free port, or 0 for any", e);
        }
    }

    URI uri(String service) {
        RunningService found = running.get(service);
        if (found == null) {
            throw new IllegalArgumentException("no service named " + service + " runs in the shop");
        }
        return found.uri();
    }

    /** The gateway's base URL, e.g. {@code http://127.0.0.1:8080}. */
    URI gateway() {
        if (gateway == null) {
            throw new IllegalStateException("the gateway does not run");
        }
        return gateway.uri();
    }

    /** Shuts one service down gracefully (it deregisters first), as when its instance goes away. */
    ShutdownReport stop(String service) {
        RunningService found = running.remove(service);
        if (found == null) {
            throw new IllegalArgumentException("no service named " + service + " runs in the shop");
        }
        ShutdownReport report = found.shutdown();
        reports.add(report);
        return report;
    }

    Map<String, RunningService> services() {
        return java.util.Collections.unmodifiableMap(running);
    }

    /** How the services run, for the scenario's first line. */
    String setup() {
        return "in this JVM on an in-memory event bus and registry, with " + databases.description();
    }

    InMemoryServiceRegistry registry() {
        return registry;
    }

    /** The shutdown report of each service, in shutdown order; empty before {@link #close()}. */
    List<ShutdownReport> shutdownReports() {
        return List.copyOf(reports);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (gateway != null) {
            gateway.close();
        }
        List<RunningService> started = new ArrayList<>(running.values());
        for (int i = started.size() - 1; i >= 0; i--) {
            reports.add(started.get(i).shutdown());
        }
        bus.close();
        registry.close();
        databases.close();
    }
}
