package dev.chassis.examples.support;

import static java.util.Objects.requireNonNull;

import dev.chassis.core.config.Config;
import dev.chassis.core.config.ConfigKey;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The configuration keys every example service reads, all plain environment variables (or system
 * properties of the same name), and their values for one service. Immutable and thread-safe.
 *
 * <table>
 *   <caption>Keys</caption>
 *   <tr><th>variable</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code PORT}</td><td>8080</td><td>HTTP port of the API, {@code /health} and {@code /ready}; 0 picks a free one</td></tr>
 *   <tr><td>{@code HOST}</td><td>127.0.0.1</td><td>address to listen on and to register; {@code 0.0.0.0} for all (the host name is registered then)</td></tr>
 *   <tr><td>{@code DATABASE_URL}</td><td>–</td><td>the service's PostgreSQL, {@code postgresql://user:pass@host:5432/db} or {@code jdbc:postgresql://...}</td></tr>
 *   <tr><td>{@code DATABASE_SCHEMA}</td><td>service name with {@code _}</td><td>schema of the service's tables</td></tr>
 *   <tr><td>{@code RABBITMQ_URL}</td><td>–</td><td>{@code amqp://user:pass@host:5672/}; without it the bus is in-memory</td></tr>
 *   <tr><td>{@code CONSUL_HTTP_ADDR}</td><td>–</td><td>Consul agent, e.g. {@code http://127.0.0.1:8500}; without it the registry is static</td></tr>
 *   <tr><td>{@code LOG_LEVEL}</td><td>INFO</td><td>root log level of the JSON logs</td></tr>
 * </table>
 *
 * <pre>{@code
 * Config config = Config.builder().declare(ServiceSettings.keys()).build();
 * ServiceSettings settings = ServiceSettings.of("user-service", config);
 * }</pre>
 *
 * @param service the service's name
 * @param port the HTTP port; 0 for a free one
 * @param host the address to listen on
 * @param databaseUrl the database URL, when given
 * @param databaseSchema the schema of the service's tables
 * @param rabbitmqUrl the broker URL, when given
 * @param consulAddress the Consul agent, when given
 * @param logLevel the root log level
 */
public record ServiceSettings(String service, int port, String host, Optional<String> databaseUrl,
        String databaseSchema, Optional<String> rabbitmqUrl, Optional<URI> consulAddress, String logLevel) {
    /** {@code PORT}: the HTTP port. */
    public static final ConfigKey<Integer> PORT = ConfigKey.integer("PORT", 0, 65_535).withDefault(8080)
            .description("HTTP port of the API, /health and /ready; 0 picks a free one");
    /** {@code HOST}: the address to listen on and to register. */
    public static final ConfigKey<String> HOST = ConfigKey.string("HOST").withDefault("127.0.0.1")
            .description("address to listen on and to register; 0.0.0.0 listens on all");
    /** {@code DATABASE_URL}: the service's PostgreSQL. */
    public static final ConfigKey<String> DATABASE_URL = ConfigKey.string("DATABASE_URL").optional().secret()
            .description("PostgreSQL of the service: postgresql://user:pass@host:5432/db or jdbc:postgresql://...");
    /** {@code DATABASE_SCHEMA}: the schema of the service's tables. */
    public static final ConfigKey<String> DATABASE_SCHEMA = ConfigKey.string("DATABASE_SCHEMA").optional()
            .description("schema of the service's tables; default the service name with '_' for '-'");
    /** {@code RABBITMQ_URL}: the broker. */
    public static final ConfigKey<String> RABBITMQ_URL = ConfigKey.string("RABBITMQ_URL").optional().secret()
            .description("amqp://user:pass@host:5672/; without it the event bus is in-memory");
    /** {@code CONSUL_HTTP_ADDR}: the Consul agent. */
    public static final ConfigKey<URI> CONSUL_HTTP_ADDR = ConfigKey.uri("CONSUL_HTTP_ADDR").optional()
            .description("Consul agent, e.g. http://127.0.0.1:8500; without it the registry is static");
    /** {@code LOG_LEVEL}: the root log level. */
    public static final ConfigKey<String> LOG_LEVEL = ConfigKey.string("LOG_LEVEL").withDefault("INFO")
            .description("root log level: TRACE, DEBUG, INFO, WARN, ERROR or OFF");

    /** Checks the components. */
    public ServiceSettings {
        requireNonNull(service, "service");
        requireNonNull(host, "host");
        requireNonNull(databaseUrl, "databaseUrl");
        requireNonNull(databaseSchema, "databaseSchema");
        requireNonNull(rabbitmqUrl, "rabbitmqUrl");
        requireNonNull(consulAddress, "consulAddress");
        requireNonNull(logLevel, "logLevel");
    }

    /** @return the keys to declare to a {@link Config} */
    public static List<ConfigKey<?>> keys() {
        return List.of(PORT, HOST, DATABASE_URL, DATABASE_SCHEMA, RABBITMQ_URL, CONSUL_HTTP_ADDR, LOG_LEVEL);
    }

    /**
     * The settings of a service.
     *
     * @param service the service's name, e.g. {@code user-service}
     * @param config a configuration that declares {@link #keys()}
     * @return the settings
     */
    public static ServiceSettings of(String service, Config config) {
        requireNonNull(service, "service");
        requireNonNull(config, "config");
        return new ServiceSettings(service, config.get(PORT), config.get(HOST).strip(), config.find(DATABASE_URL),
                config.find(DATABASE_SCHEMA).map(String::strip).orElse(defaultSchema(service)),
                config.find(RABBITMQ_URL), config.find(CONSUL_HTTP_ADDR), config.get(LOG_LEVEL));
    }

    /**
     * The default schema of a service's tables: its name in lower case with {@code _} for {@code -}.
     *
     * @param service e.g. {@code user-service}
     * @return e.g. {@code user_service}
     */
    public static String defaultSchema(String service) {
        return requireNonNull(service, "service").toLowerCase(Locale.ROOT).replace('-', '_').replace('.', '_');
    }
}
