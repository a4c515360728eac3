package dev.chassis.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Runs the example of docs/configuration.md; keep both in step. */
class ConfigDocsExampleTest {
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

    private static Config build(Map<String, String> env, Map<String, String> properties) {
        return Config.builder()
                .env(env)
                .systemProperties(properties)
                .declare(SERVICE_NAME, ADMIN_PORT, HTTP_TIMEOUT, OUTBOX_ENABLED, BALANCER, RABBITMQ_URL, ZONE)
                .build();
    }

    @Test
    void exampleReadsTypedValuesAndPrintsTheDocumentedTable() {
        // given
        Map<String, String> env = Map.of(
                "CHASSIS_SERVICE_NAME", "orders",
                "RABBITMQ_URL", "amqp://orders:s3cret@rabbit:5672/");
        Map<String, String> properties = Map.of("chassis.http.timeout", "500ms");

        // when
        Config config = build(env, properties);

        // then
        assertThat(config.get(ADMIN_PORT)).isEqualTo(8081);
        assertThat(config.get(RABBITMQ_URL)).isEqualTo(URI.create("amqp://orders:s3cret@rabbit:5672/"));
        assertThat(config.get(HTTP_TIMEOUT)).isEqualTo(Duration.ofMillis(500));
        assertThat(config.find(ZONE).orElse("default")).isEqualTo("default");
        assertThat(config.toString().lines()).containsExactly(
                "KEY                         ENV                         ORIGIN           VALUE",
                "chassis.service.name        CHASSIS_SERVICE_NAME        ENV              orders",
                "chassis.admin.port          CHASSIS_ADMIN_PORT          DEFAULT          8081",
                "chassis.http.timeout        CHASSIS_HTTP_TIMEOUT        SYSTEM_PROPERTY  500ms",
                "chassis.outbox.enabled      CHASSIS_OUTBOX_ENABLED      DEFAULT          true",
                "chassis.discovery.balancer  CHASSIS_DISCOVERY_BALANCER  DEFAULT          ROUND_ROBIN",
                "RABBITMQ_URL                RABBITMQ_URL                ENV              ******",
                "chassis.zone                CHASSIS_ZONE                UNSET            (unset)");
    }

    @Test
    void exampleFailsWithTheDocumentedMessage() {
        // given
        Map<String, String> env = Map.of(
                "CHASSIS_ADMIN_PORT", "http",
                "RABBITMQ_URL", "amqp://orders:s3cret@rabbit host:5672/",
                "CHASSIS_HTTP_TIMEOUTS", "5s");

        // when
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> build(env, Map.of()));

        // then
        assertThat(e).isNotNull();
        assertThat(e.getMessage().lines()).containsExactly(
                "invalid configuration (4 problems):",
                "  - chassis.service.name: missing required value; set system property chassis.service.name"
                        + " or environment variable CHASSIS_SERVICE_NAME"
                        + " [logical name used in logs, traces and the registry]",
                "  - chassis.admin.port: malformed value 'http' in environment variable CHASSIS_ADMIN_PORT;"
                        + " expected a whole number between 1 and 65535",
                "  - RABBITMQ_URL: malformed secret value (not shown) in environment variable RABBITMQ_URL;"
                        + " expected an absolute URI such as scheme://host:port/path",
                "  - CHASSIS_HTTP_TIMEOUTS: unknown environment variable in the chassis namespace, not read by any"
                        + " declared key; did you mean environment variable CHASSIS_HTTP_TIMEOUT? Rename it or remove it.");
    }
}
