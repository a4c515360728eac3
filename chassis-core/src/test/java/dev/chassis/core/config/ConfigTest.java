package dev.chassis.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class ConfigTest {
    enum Strategy { ROUND_ROBIN, RANDOM }

    private static final ConfigKey<Integer> PORT = ConfigKey.integer("chassis.admin.port", 1, 65535).withDefault(8081);

    @Test
    void systemPropertyWinsOverEnvironmentWhichWinsOverDefault() {
        // given
        var fromProperty = Config.builder()
                .env(Map.of("CHASSIS_ADMIN_PORT", "9001"))
                .systemProperties(Map.of("chassis.admin.port", "9002"))
                .declare(PORT);
        var fromEnv = Config.builder().env(Map.of("CHASSIS_ADMIN_PORT", "9001")).systemProperties(Map.of()).declare(PORT);
        var fromDefault = Config.builder().env(Map.of()).systemProperties(Map.of()).declare(PORT);

        // when
        Config property = fromProperty.build();
        Config env = fromEnv.build();
        Config defaults = fromDefault.build();

        // then
        assertThat(property.get(PORT)).isEqualTo(9002);
        assertThat(property.origin(PORT)).isEqualTo(ConfigOrigin.SYSTEM_PROPERTY);
        assertThat(env.get(PORT)).isEqualTo(9001);
        assertThat(env.origin(PORT)).isEqualTo(ConfigOrigin.ENV);
        assertThat(defaults.get(PORT)).isEqualTo(8081);
        assertThat(defaults.origin(PORT)).isEqualTo(ConfigOrigin.DEFAULT);
    }

    @Test
    void environmentNameIsUpperCaseWithDotsAndDashesAsUnderscores() {
        // given
        var key = ConfigKey.string("chassis.service-discovery.zone");

        // when
        String envName = key.envName();

        // then
        assertThat(envName).isEqualTo("CHASSIS_SERVICE_DISCOVERY_ZONE");
        assertThat(ConfigKey.string("RABBITMQ_URL").envName()).isEqualTo("RABBITMQ_URL");
    }

    @Test
    void readsNonChassisKeysFromEitherSource() {
        // given
        var rabbit = ConfigKey.uri("RABBITMQ_URL");
        var database = ConfigKey.string("database.url");

        // when
        Config config = Config.builder()
                .env(Map.of("RABBITMQ_URL", "amqp://localhost:5672/", "DATABASE_URL", "jdbc:postgresql://db/test"))
                .systemProperties(Map.of())
                .declare(rabbit, database)
                .build();

        // then
        assertThat(config.get(rabbit)).isEqualTo(URI.create("amqp://localhost:5672/"));
        assertThat(config.get(database)).isEqualTo("jdbc:postgresql://db/test");
    }

    @Test
    void readsSystemPropertiesFromPropertiesObject() {
        // given
        var props = new Properties();
        props.setProperty("chassis.admin.port", "7000");

        // when
        Config config = Config.builder().env(Map.of()).systemProperties(props).declare(PORT).build();

        // then
        assertThat(config.get(PORT)).isEqualTo(7000);
    }

    @Test
    void blankValueCountsAsUnsetSoTheDefaultApplies() {
        // when
        Config config = Config.builder().env(Map.of("CHASSIS_ADMIN_PORT", "  ")).systemProperties(Map.of())
                .declare(PORT).build();

        // then
        assertThat(config.get(PORT)).isEqualTo(8081);
        assertThat(config.origin(PORT)).isEqualTo(ConfigOrigin.DEFAULT);
    }

    @Test
    void parsesEveryType() {
        // given
        var name = ConfigKey.string("chassis.service.name");
        var count = ConfigKey.integer("chassis.workers");
        var timeout = ConfigKey.duration("chassis.timeout");
        var iso = ConfigKey.duration("chassis.iso-timeout");
        var endpoint = ConfigKey.uri("chassis.endpoint");
        var enabled = ConfigKey.bool("chassis.enabled");
        var strategy = ConfigKey.enumeration("chassis.strategy", Strategy.class);

        // when
        Config config = Config.builder()
                .env(Map.of(
                        "CHASSIS_SERVICE_NAME", " orders ",
                        "CHASSIS_WORKERS", "-12",
                        "CHASSIS_TIMEOUT", "500ms",
                        "CHASSIS_ISO_TIMEOUT", "pt1m30s",
                        "CHASSIS_ENDPOINT", "http://inventory:8080/api",
                        "CHASSIS_ENABLED", "TRUE",
                        "CHASSIS_STRATEGY", "round-robin"))
                .systemProperties(Map.of())
                .declare(name, count, timeout, iso, endpoint, enabled, strategy)
                .build();

        // then
        assertThat(config.get(name)).isEqualTo(" orders ");
        assertThat(config.get(count)).isEqualTo(-12);
        assertThat(config.get(timeout)).isEqualTo(Duration.ofMillis(500));
        assertThat(config.get(iso)).isEqualTo(Duration.ofSeconds(90));
        assertThat(config.get(endpoint)).isEqualTo(URI.create("http://inventory:8080/api"));
        assertThat(config.get(enabled)).isTrue();
        assertThat(config.get(strategy)).isEqualTo(Strategy.ROUND_ROBIN);
    }

    @Test
    void parsesEveryDurationUnit() {
        // given
        var key = ConfigKey.duration("chassis.timeout");
        Map<String, Duration> cases = Map.of(
                "500ms", Duration.ofMillis(500), "30s", Duration.ofSeconds(30), "2m", Duration.ofMinutes(2),
                "1h", Duration.ofHours(1), "1d", Duration.ofDays(1), "PT30S", Duration.ofSeconds(30),
                "0s", Duration.ZERO);

        cases.forEach((text, expected) -> {
            // when
            Config config = Config.builder().env(Map.of("CHASSIS_TIMEOUT", text)).systemProperties(Map.of())
                    .declare(key).build();

            // then
            assertThat(config.get(key)).as(text).isEqualTo(expected);
        });
    }

    @Test
    void optionalKeyWithoutValueIsEmptyAndGetSaysToUseFind() {
        // given
        var drain = ConfigKey.duration("chassis.shutdown.drain").optional();

        // when
        Config config = Config.builder().env(Map.of()).systemProperties(Map.of()).declare(drain).build();

        // then
        assertThat(config.find(drain)).isEmpty();
        assertThat(config.origin(drain)).isEqualTo(ConfigOrigin.UNSET);
        assertThatThrownBy(() -> config.get(drain))
                .isInstanceOf(NoSuchElementException.class)
                .hasMessageContaining("find(key)");
    }

    @Test
    void optionalKeyWithValueIsPresent() {
        // given
        var drain = ConfigKey.duration("chassis.shutdown.drain").optional();

        // when
        Config config = Config.builder().env(Map.of("CHASSIS_SHUTDOWN_DRAIN", "10s")).systemProperties(Map.of())
                .declare(drain).build();

        // then
        assertThat(config.find(drain)).contains(Duration.ofSeconds(10));
    }

    @Test
    void readingAnUndeclaredKeyFails() {
        // given
        Config config = Config.builder().env(Map.of()).systemProperties(Map.of()).declare(PORT).build();

        // when / then
        assertThatThrownBy(() -> config.get(ConfigKey.string("chassis.other")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("chassis.other was not declared");
        assertThatThrownBy(() -> config.get(ConfigKey.integer("chassis.admin.port")))
                .as("same name, different settings")
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void keysAreImmutableValues() {
        // given
        var base = ConfigKey.string("chassis.service.name");

        // when
        var described = base.description("the service's name").secret();

        // then
        assertThat(base.description()).isEmpty();
        assertThat(base.isSecret()).isFalse();
        assertThat(described.isSecret()).isTrue();
        assertThat(described).isNotEqualTo(base);
        assertThat(described).isEqualTo(ConfigKey.string("chassis.service.name").description("the service's name").secret());
    }

    @Test
    void rejectsContradictoryOrInvalidKeyDeclarations() {
        assertThatThrownBy(() -> ConfigKey.string("chassis.a").withDefault("x").optional())
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> ConfigKey.string("chassis.a").optional().withDefault("x"))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> ConfigKey.integer("chassis.port", 1, 65535).withDefault(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("between 1 and 65535");
        assertThatThrownBy(() -> ConfigKey.duration("chassis.t").withDefault(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ConfigKey.string("chassis admin"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("name");
    }

    @Test
    void rejectsTwoKeysReadFromTheSameEnvironmentVariable() {
        // given
        var builder = Config.builder().declare(ConfigKey.string("chassis.a-b"));

        // when / then
        assertThatThrownBy(() -> builder.declare(ConfigKey.string("chassis.a.b")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("CHASSIS_A_B");
    }

    @Test
    void readsTheProcessEnvironmentAndSystemPropertiesByDefault() {
        // given
        var key = ConfigKey.string("chassis.test.default-sources");
        String[] presentChassisVariables = System.getenv().keySet().stream()
                .filter(name -> name.toUpperCase().startsWith("CHASSIS_")).toArray(String[]::new);
        System.setProperty("chassis.test.default-sources", "from-jvm");
        try {
            // when
            Config config = Config.builder().declare(key).allowUndeclared(presentChassisVariables).build();

            // then
            assertThat(config.get(key)).isEqualTo("from-jvm");
        } finally {
            System.clearProperty("chassis.test.default-sources");
        }
    }
}
