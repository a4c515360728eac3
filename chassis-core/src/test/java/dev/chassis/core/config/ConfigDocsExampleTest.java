package dev.chassis.core.config;

import static dev.chassis.core.config.OrderServiceConfig.ADMIN_PORT;
import static dev.chassis.core.config.OrderServiceConfig.BALANCER;
import static dev.chassis.core.config.OrderServiceConfig.HTTP_TIMEOUT;
import static dev.chassis.core.config.OrderServiceConfig.OUTBOX_ENABLED;
import static dev.chassis.core.config.OrderServiceConfig.RABBITMQ_URL;
import static dev.chassis.core.config.OrderServiceConfig.SERVICE_NAME;
import static dev.chassis.core.config.OrderServiceConfig.ZONE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.File;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Runs the example of docs/configuration.md ({@link OrderServiceConfig}, which holds it verbatim);
 * keep both in step.
 */
class ConfigDocsExampleTest {
    private static final List<String> DOCUMENTED_TABLE = List.of(
            "KEY                         ENV                         ORIGIN           VALUE",
            "chassis.service.name        CHASSIS_SERVICE_NAME        ENV              orders",
            "chassis.admin.port          CHASSIS_ADMIN_PORT          DEFAULT          8081",
            "chassis.http.timeout        CHASSIS_HTTP_TIMEOUT        SYSTEM_PROPERTY  500ms",
            "chassis.outbox.enabled      CHASSIS_OUTBOX_ENABLED      DEFAULT          true",
            "chassis.discovery.balancer  CHASSIS_DISCOVERY_BALANCER  DEFAULT          ROUND_ROBIN",
            "RABBITMQ_URL                RABBITMQ_URL                ENV              ******",
            "chassis.zone                CHASSIS_ZONE                UNSET            (unset)");

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
        assertThat(config.toString().lines()).containsExactlyElementsOf(DOCUMENTED_TABLE);
    }

    @Test
    void exampleStartedAsDocumentedPrintsTheDocumentedTable() throws Exception {
        // given: the documented command line, in a JVM of its own so that the example reads a real
        // environment and real system properties
        ProcessBuilder command = new ProcessBuilder(
                System.getProperty("java.home") + File.separator + "bin" + File.separator + "java",
                "-cp", System.getProperty("java.class.path"),
                "-Dchassis.http.timeout=500ms",
                OrderServiceConfig.class.getName())
                .redirectErrorStream(true);
        command.environment().keySet().removeIf(name -> name.toUpperCase().startsWith("CHASSIS_")
                || name.equals("RABBITMQ_URL"));
        command.environment().put("CHASSIS_SERVICE_NAME", "orders");
        command.environment().put("RABBITMQ_URL", "amqp://orders:s3cret@rabbit:5672/");

        // when
        Process process = command.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        boolean exited = process.waitFor(30, TimeUnit.SECONDS);

        // then
        assertThat(exited).as("example exited, output: %s", output).isTrue();
        assertThat(process.exitValue()).as("exit code, output: %s", output).isZero();
        assertThat(output.lines()).containsSequence(DOCUMENTED_TABLE);
        assertThat(output).doesNotContain("s3cret");
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
