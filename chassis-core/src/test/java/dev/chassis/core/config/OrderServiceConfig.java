package dev.chassis.core.config;

import java.net.URI;
import java.time.Duration;

/** The example of docs/configuration.md, verbatim; {@link ConfigDocsExampleTest} runs it. */
public final class OrderServiceConfig {
    enum Balancer { ROUND_ROBIN, RANDOM, LEAST_LOADED }

    static final ConfigKey<String> SERVICE_NAME = ConfigKey.string("chassis.service.name")
            .description("logical name used in logs, traces and the registry");
    static final ConfigKey<Integer> ADMIN_PORT = ConfigKey.integer("chassis.admin.port", 1, 65535)
            .withDefault(8081);
    static final ConfigKey<Duration> HTTP_TIMEOUT = ConfigKey.duration("chassis.http.timeout")
            .withDefault(Duration.ofSeconds(3));
    static final ConfigKey<Boolean> OUTBOX_ENABLED = ConfigKey.bool("chassis.outbox.enabled")
            .withDefault(true);
    static final ConfigKey<Balancer> BALANCER = ConfigKey.enumeration("chassis.discovery.balancer", Balancer.class)
            .withDefault(Balancer.ROUND_ROBIN);
    static final ConfigKey<URI> RABBITMQ_URL = ConfigKey.uri("RABBITMQ_URL").secret();
    static final ConfigKey<String> ZONE = ConfigKey.string("chassis.zone").optional();

    public static void main(String[] args) {
        Config config = Config.builder()
                .declare(SERVICE_NAME, ADMIN_PORT, HTTP_TIMEOUT, OUTBOX_ENABLED, BALANCER, RABBITMQ_URL, ZONE)
                .build();                                  // throws ConfigException listing every problem
        System.out.println(config);                        // the effective configuration, secrets masked

        int adminPort = config.get(ADMIN_PORT);
        URI broker = config.get(RABBITMQ_URL);             // the real value; only its display is masked
        String zone = config.find(ZONE).orElse("default");
    }
}
