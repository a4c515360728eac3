package dev.chassis.examples.shop;

import dev.chassis.core.config.Config;
import dev.chassis.core.lifecycle.ShutdownReport;
import dev.chassis.discovery.InMemoryServiceRegistry;
import dev.chassis.examples.email.EmailService;
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

/**
 * The example services in one JVM: one in-memory event bus and one in-memory registry shared by all,
 * a database of its own for each, each service's HTTP API on a free port. Consumers start before
 * producers, so that no message finds its queue missing. {@link #close()} shuts the services down in
 * reverse order, then the bus, the registry and the databases. Not thread-safe.
 */
final class ShopSystem implements AutoCloseable {
    /** The services, in start order. */
    static final List<ServiceDefinition> SERVICES = List.of(new EmailService(), new UserService());

    private final InMemoryEventBus bus = InMemoryEventBus.create();
    private final InMemoryServiceRegistry registry = InMemoryServiceRegistry.create();
    private final ShopDatabases databases;
    private final Map<String, RunningService> running = new LinkedHashMap<>();
    private final List<ShutdownReport> reports = new ArrayList<>();
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
        } catch (RuntimeException e) {
            system.close();
            throw e;
        }
        return system;
    }

    URI uri(String service) {
        RunningService found = running.get(service);
        if (found == null) {
            throw new IllegalArgumentException("no service named " + service + " runs in the shop");
        }
        return found.uri();
    }

    Map<String, RunningService> services() {
        return java.util.Collections.unmodifiableMap(running);
    }

    String databaseDescription() {
        return databases.description();
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
        List<RunningService> started = new ArrayList<>(running.values());
        for (int i = started.size() - 1; i >= 0; i--) {
            reports.add(started.get(i).shutdown());
        }
        bus.close();
        registry.close();
        databases.close();
    }
}
