package dev.chassis.examples.support;

import static java.util.Objects.requireNonNull;

import dev.chassis.core.bus.EventBus;
import dev.chassis.core.config.Config;
import dev.chassis.core.config.ConfigException;
import dev.chassis.core.config.ConfigKey;
import dev.chassis.discovery.ServiceRegistry;
import dev.chassis.discovery.StaticServiceRegistry;
import dev.chassis.discovery.consul.ConsulServiceRegistry;
import dev.chassis.messaging.InMemoryEventBus;
import dev.chassis.messaging.RabbitEventBus;
import dev.chassis.observability.JsonLogging;
import dev.chassis.observability.Telemetry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a {@link ServiceDefinition} as a process of its own, configured by environment variables
 * ({@link ServiceSettings}): JSON logs at {@code LOG_LEVEL}, the database from {@code DATABASE_URL}
 * (required), RabbitMQ from {@code RABBITMQ_URL} (else an in-memory bus, useful only to try a service
 * alone), Consul at {@code CONSUL_HTTP_ADDR} (else a static registry read from
 * {@code CHASSIS_DISCOVERY_STATIC_<SERVICE>} variables for the services it {@linkplain ServiceDefinition#calls() calls}),
 * OpenTelemetry from the {@code OTEL_*} variables when {@code OTEL_TRACES_EXPORTER} is set. Serves
 * until SIGTERM or Ctrl-C, then shuts down gracefully and closes what it opened. Static methods only.
 *
 * <pre>{@code
 * public static void main(String[] args) throws InterruptedException {
 *     ServiceMain.run(new UserService());
 * }
 * }</pre>
 */
public final class ServiceMain {
    private static final Logger log = LoggerFactory.getLogger(ServiceMain.class);

    private ServiceMain() {}

    /**
     * Starts the service and blocks until it has shut down. Exits the JVM with status 2 and a message
     * on standard error when the configuration is invalid.
     *
     * @param definition the service
     * @throws InterruptedException if the main thread is interrupted while serving
     */
    public static void run(ServiceDefinition definition) throws InterruptedException {
        requireNonNull(definition, "definition");
        Config config;
        try {
            config = processConfig(definition, System.getenv(), System.getProperties());
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        ServiceSettings settings = ServiceSettings.of(definition.name(), config);
        JsonLogging.builder().service(definition.name()).level(settings.logLevel()).install();
        String url = settings.databaseUrl().orElse(null);
        if (url == null) {
            System.err.println(definition.name() + " needs its database: set DATABASE_URL, e.g."
                    + " postgresql://postgres@127.0.0.1:5432/" + settings.databaseSchema());
            System.exit(2);
            return;
        }
        start(definition, config).installShutdownHook().awaitShutdown();
    }

    /**
     * The configuration of a process: {@link ServiceHost#config}'s keys plus the static registry's keys
     * for the services the definition calls.
     *
     * @param definition the service
     * @param env the environment
     * @param systemProperties the system properties
     * @return the configuration
     * @throws ConfigException listing every problem
     */
    public static Config processConfig(ServiceDefinition definition, Map<String, String> env,
            Properties systemProperties) {
        requireNonNull(definition, "definition");
        List<ConfigKey<?>> keys = new ArrayList<>(ServiceSettings.keys());
        keys.addAll(definition.configKeys());
        keys.addAll(StaticServiceRegistry.configKeys(definition.calls().toArray(String[]::new)));
        return Config.builder().env(requireNonNull(env, "env"))
                .systemProperties(requireNonNull(systemProperties, "systemProperties"))
                .declare(keys).build();
    }

    /**
     * Opens the database, bus, registry and telemetry that the configuration names and starts the
     * service on them; they are closed when it shuts down.
     *
     * @param definition the service
     * @param config from {@link #processConfig}, with {@code DATABASE_URL} set
     * @return the running service
     * @throws IllegalArgumentException if {@code DATABASE_URL} is missing or malformed
     */
    public static RunningService start(ServiceDefinition definition, Config config) {
        requireNonNull(definition, "definition");
        requireNonNull(config, "config");
        ServiceSettings settings = ServiceSettings.of(definition.name(), config);
        String url = settings.databaseUrl().orElseThrow(() -> new IllegalArgumentException(
                definition.name() + " needs DATABASE_URL"));
        Telemetry telemetry = System.getenv("OTEL_TRACES_EXPORTER") != null ? Telemetry.fromEnvironment() : Telemetry.noop();
        Database database = Database.connect(url, definition.name());
        EventBus bus;
        if (settings.rabbitmqUrl().isPresent()) {
            bus = RabbitEventBus.builder().uri(settings.rabbitmqUrl().get()).openTelemetry(telemetry.openTelemetry()).build();
        } else {
            log.warn("RABBITMQ_URL is not set: {} uses an in-memory event bus and exchanges no messages with other"
                    + " processes", definition.name());
            bus = InMemoryEventBus.create();
        }
        ServiceRegistry registry;
        boolean register;
        if (settings.consulAddress().isPresent()) {
            registry = ConsulServiceRegistry.builder().agent(settings.consulAddress().get()).build();
            register = true;
        } else {
            registry = StaticServiceRegistry.builder()
                    .fromConfig(config, definition.calls().toArray(String[]::new)).build();
            register = false;
        }
        log.info("starting {}:\n{}", definition.name(), config);
        return ServiceHost.start(definition, ServiceDependencies.builder()
                .config(config)
                .bus(bus)
                .registry(registry)
                .register(register)
                .dataSource(database.dataSource())
                .openTelemetry(telemetry.openTelemetry())
                .closeOnShutdown("event-bus", bus::close)
                .closeOnShutdown("registry", registry::close)
                .closeOnShutdown("database", database::close)
                .closeOnShutdown("telemetry", telemetry::close)
                .build());
    }
}
