package dev.chassis.examples.support;

import static java.util.Objects.requireNonNull;

import dev.chassis.core.bus.EventBus;
import dev.chassis.core.config.Config;
import dev.chassis.core.lifecycle.LifecycleAction;
import dev.chassis.discovery.ServiceRegistry;
import io.opentelemetry.api.OpenTelemetry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * What {@link ServiceHost} starts a service on: the event bus, the registry and the database, which
 * the caller owns and may share between services in one JVM, plus the service's environment. Build
 * one per service. Immutable and thread-safe.
 *
 * <pre>{@code
 * ServiceDependencies dependencies = ServiceDependencies.builder()
 *         .bus(bus)                         // e.g. one InMemoryEventBus for every service
 *         .registry(registry)
 *         .dataSource(userDatabase.dataSource())
 *         .port(0)
 *         .build();
 * }</pre>
 */
public final class ServiceDependencies {
    /** A resource closed with the service, in the order given. */
    record Closing(String name, LifecycleAction action) {}

    private final EventBus bus;
    private final ServiceRegistry registry;
    private final DataSource dataSource;
    private final Map<String, String> env;
    private final @Nullable Config config;
    private final @Nullable Integer port;
    private final boolean register;
    private final Clock clock;
    private final OpenTelemetry openTelemetry;
    private final List<Closing> closing;

    private ServiceDependencies(Builder b) {
        this.bus = requireNonNull(b.bus, "bus is required: ServiceDependencies.builder().bus(...)");
        this.registry = requireNonNull(b.registry, "registry is required: ServiceDependencies.builder().registry(...)");
        this.dataSource = requireNonNull(b.dataSource,
                "dataSource is required: ServiceDependencies.builder().dataSource(...)");
        this.env = Map.copyOf(b.env);
        this.config = b.config;
        this.port = b.port;
        this.register = b.register;
        this.clock = b.clock;
        this.openTelemetry = b.openTelemetry;
        this.closing = List.copyOf(b.closing);
    }

    /** @return a builder; bus, registry and data source are required */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the event bus */
    public EventBus bus() {
        return bus;
    }

    /** @return the registry */
    public ServiceRegistry registry() {
        return registry;
    }

    /** @return the service's database */
    public DataSource dataSource() {
        return dataSource;
    }

    /** @return the variables the service's configuration is read from when no {@link #config()} is given */
    public Map<String, String> env() {
        return env;
    }

    /** @return the service's configuration, when the caller made it */
    public Optional<Config> config() {
        return Optional.ofNullable(config);
    }

    /** @return the port overriding {@code PORT}, when given */
    public OptionalInt port() {
        return port == null ? OptionalInt.empty() : OptionalInt.of(port);
    }

    /** @return whether the instance registers itself in the registry */
    public boolean register() {
        return register;
    }

    /** @return the clock */
    public Clock clock() {
        return clock;
    }

    /** @return the OpenTelemetry for the HTTP server spans */
    public OpenTelemetry openTelemetry() {
        return openTelemetry;
    }

    List<Closing> closing() {
        return closing;
    }

    /** Configures {@link ServiceDependencies}. Not thread-safe; {@link #build()} copies. */
    public static final class Builder {
        private @Nullable EventBus bus;
        private @Nullable ServiceRegistry registry;
        private @Nullable DataSource dataSource;
        private Map<String, String> env = Map.of();
        private @Nullable Config config;
        private @Nullable Integer port;
        private boolean register = true;
        private Clock clock = Clock.systemUTC();
        private OpenTelemetry openTelemetry = OpenTelemetry.noop();
        private final List<Closing> closing = new ArrayList<>();

        private Builder() {}

        /**
         * @param bus the event bus; required
         * @return this builder
         */
        public Builder bus(EventBus bus) {
            this.bus = requireNonNull(bus, "bus");
            return this;
        }

        /**
         * @param registry the registry; required
         * @return this builder
         */
        public Builder registry(ServiceRegistry registry) {
            this.registry = requireNonNull(registry, "registry");
            return this;
        }

        /**
         * @param dataSource the service's database; required
         * @return this builder
         */
        public Builder dataSource(DataSource dataSource) {
            this.dataSource = requireNonNull(dataSource, "dataSource");
            return this;
        }

        /**
         * The variables the service's configuration is read from, in place of the process's
         * environment; empty by default, so that services in one JVM do not read each other's
         * settings. Ignored when a {@link #config(Config)} is given.
         *
         * @param env e.g. {@code Map.of("DATABASE_SCHEMA", "users_test_1")}
         * @return this builder
         */
        public Builder env(Map<String, String> env) {
            this.env = Map.copyOf(requireNonNull(env, "env"));
            return this;
        }

        /**
         * The service's configuration, made by the caller with {@link ServiceHost#config}.
         *
         * @param config the configuration
         * @return this builder
         */
        public Builder config(Config config) {
            this.config = requireNonNull(config, "config");
            return this;
        }

        /**
         * The HTTP port, overriding {@code PORT}; 0 picks a free one.
         *
         * @param port 0..65535
         * @return this builder
         */
        public Builder port(int port) {
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException("port must be 0..65535, was " + port);
            }
            this.port = port;
            return this;
        }

        /**
         * Whether the instance registers itself (and deregisters on shutdown); on by default. Off for
         * read-only registries such as the static one.
         *
         * @param register whether to register
         * @return this builder
         */
        public Builder register(boolean register) {
            this.register = register;
            return this;
        }

        /**
         * @param clock the clock; the system's UTC clock by default
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = requireNonNull(clock, "clock");
            return this;
        }

        /**
         * @param openTelemetry for the HTTP server spans; a no-op by default
         * @return this builder
         */
        public Builder openTelemetry(OpenTelemetry openTelemetry) {
            this.openTelemetry = requireNonNull(openTelemetry, "openTelemetry");
            return this;
        }

        /**
         * A resource the host closes last when the service shuts down, e.g. the pool of a process
         * that owns it; in the order added.
         *
         * @param name the step's name in the shutdown report
         * @param action what closes it
         * @return this builder
         */
        public Builder closeOnShutdown(String name, LifecycleAction action) {
            closing.add(new Closing(requireNonNull(name, "name"), requireNonNull(action, "action")));
            return this;
        }

        /**
         * @return the dependencies
         * @throws NullPointerException naming the missing bus, registry or data source
         */
        public ServiceDependencies build() {
            return new ServiceDependencies(this);
        }
    }
}
