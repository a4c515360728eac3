package dev.chassis.discovery.consul;

import dev.chassis.core.config.ConfigKey;
import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * The configuration keys of the Consul registry, read by
 * {@link ConsulServiceRegistry.Builder#config(dev.chassis.core.config.Config)}. Declare them all:
 *
 * <pre>{@code
 * Config config = Config.builder().declare(ConsulConfig.KEYS).build();
 * ConsulServiceRegistry consul = ConsulServiceRegistry.builder().config(config).build();
 * }</pre>
 *
 * <p>Constants only; immutable.
 */
public final class ConsulConfig {
    /** {@code chassis.discovery.consul.agent} ({@code CHASSIS_DISCOVERY_CONSUL_AGENT}); default {@code http://127.0.0.1:8500}. */
    public static final ConfigKey<URI> AGENT = ConfigKey.uri("chassis.discovery.consul.agent")
            .withDefault(URI.create("http://127.0.0.1:8500"))
            .description("the local Consul agent's HTTP address");
    /** {@code chassis.discovery.consul.token} ({@code CHASSIS_DISCOVERY_CONSUL_TOKEN}); secret, optional. */
    public static final ConfigKey<String> TOKEN = ConfigKey.string("chassis.discovery.consul.token").secret().optional()
            .description("the ACL token, sent in the X-Consul-Token header only");
    /** {@code chassis.discovery.consul.datacenter}; optional, default the agent's. */
    public static final ConfigKey<String> DATACENTER = ConfigKey.string("chassis.discovery.consul.datacenter").optional()
            .description("the datacenter services are looked up in");
    /** {@code chassis.discovery.consul.connect-timeout}; default 2 s. */
    public static final ConfigKey<Duration> CONNECT_TIMEOUT = ConfigKey.duration("chassis.discovery.consul.connect-timeout")
            .withDefault(Duration.ofSeconds(2)).description("TCP connect timeout to the agent");
    /** {@code chassis.discovery.consul.read-timeout}; default 5 s. */
    public static final ConfigKey<Duration> READ_TIMEOUT = ConfigKey.duration("chassis.discovery.consul.read-timeout")
            .withDefault(Duration.ofSeconds(5)).description("time a request to the agent may take");
    /** {@code chassis.discovery.consul.blocking-wait}; default 30 s. */
    public static final ConfigKey<Duration> BLOCKING_WAIT = ConfigKey.duration("chassis.discovery.consul.blocking-wait")
            .withDefault(Duration.ofSeconds(30)).description("how long a blocking query waits for a change");

    /** Every key above, to declare. */
    public static final List<ConfigKey<?>> KEYS = List.of(AGENT, TOKEN, DATACENTER, CONNECT_TIMEOUT, READ_TIMEOUT,
            BLOCKING_WAIT);

    private ConsulConfig() {
    }
}
