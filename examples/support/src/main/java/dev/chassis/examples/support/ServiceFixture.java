package dev.chassis.examples.support;

import static java.util.Objects.requireNonNull;

import dev.chassis.core.NonRetryableException;
import dev.chassis.core.bus.EventBus;
import dev.chassis.discovery.InMemoryServiceRegistry;
import java.net.URI;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * One service started in-process for a test: on the given event bus, an in-memory registry and a
 * schema of its own on a PostgreSQL server, with a free port. {@link #close()} shuts it down and drops
 * the schema, so that tests leave nothing behind. Instances are thread-safe; close each one.
 *
 * <pre>{@code
 * try (ServiceFixture users = ServiceFixture.start(new UserService(), bus)) {
 *     http.send(HttpRequest.newBuilder(users.uri().resolve("/users/42")).build(), ofString());
 * }
 * }</pre>
 */
public final class ServiceFixture implements AutoCloseable {
    /** The PostgreSQL of the development machines: local, trust authentication, database {@code test}. */
    public static final String LOCAL_DATABASE_URL = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";

    private final Database database;
    private final InMemoryServiceRegistry registry;
    private final String schema;
    private final RunningService service;

    private ServiceFixture(Database database, InMemoryServiceRegistry registry, String schema, RunningService service) {
        this.database = database;
        this.registry = registry;
        this.schema = schema;
        this.service = service;
    }

    /**
     * Starts a service on {@link #LOCAL_DATABASE_URL}.
     *
     * @param definition the service
     * @param bus the event bus, owned by the caller
     * @return the started service
     */
    public static ServiceFixture start(ServiceDefinition definition, EventBus bus) {
        return start(definition, bus, LOCAL_DATABASE_URL);
    }

    /**
     * Starts a service in a new schema, named after it and a random suffix, of the given database.
     *
     * @param definition the service
     * @param bus the event bus, owned by the caller
     * @param databaseUrl the database, in either form {@link Database} accepts
     * @return the started service
     */
    public static ServiceFixture start(ServiceDefinition definition, EventBus bus, String databaseUrl) {
        requireNonNull(definition, "definition");
        requireNonNull(bus, "bus");
        String schema = ServiceSettings.defaultSchema(definition.name()) + "_"
                + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        Database database = Database.connect(databaseUrl, definition.name());
        InMemoryServiceRegistry registry = InMemoryServiceRegistry.create();
        try {
            RunningService service = ServiceHost.start(definition, ServiceDependencies.builder()
                    .bus(bus).registry(registry).dataSource(database.dataSource())
                    .env(Map.of(ServiceSettings.DATABASE_SCHEMA.name(), schema)).port(0).build());
            return new ServiceFixture(database, registry, schema, service);
        } catch (RuntimeException e) {
            dropSchema(database, schema);
            database.close();
            registry.close();
            throw e;
        }
    }

    /** @return the running service */
    public RunningService service() {
        return service;
    }

    /** @return the base URI of its API */
    public URI uri() {
        return service.uri();
    }

    /** @return its database */
    public DataSource dataSource() {
        return database.dataSource();
    }

    /** @return the schema of its tables, e.g. {@code user_service_3f2a1b0c9d} */
    public String schema() {
        return schema;
    }

    /** @return the registry it registered in */
    public InMemoryServiceRegistry registry() {
        return registry;
    }

    /** Shuts the service down, drops its schema, closes its pool and registry. */
    @Override
    public void close() {
        service.shutdown();
        dropSchema(database, schema);
        database.close();
        registry.close();
    }

    private static void dropSchema(Database database, String schema) {
        try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        } catch (SQLException e) {
            throw new NonRetryableException("cannot drop the test schema " + schema + ": " + e.getMessage(), e);
        }
    }
}
