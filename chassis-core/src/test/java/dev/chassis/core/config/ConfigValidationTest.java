package dev.chassis.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.chassis.core.config.ConfigProblem.Kind;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigValidationTest {
    enum Level { LOW, HIGH }

    private static ConfigException failure(Map<String, String> env, Map<String, String> properties, ConfigKey<?>... keys) {
        return catchThrowableOfType(ConfigException.class,
                () -> Config.builder().env(env).systemProperties(properties).declare(keys).build());
    }

    @Test
    void missingRequiredKeyNamesBothSpellings() {
        // when
        ConfigException e = failure(Map.of(), Map.of(),
                ConfigKey.string("chassis.service.name").description("the service's name"));

        // then
        assertThat(e).isNotNull();
        assertThat(e.isRetryable()).isFalse();
        assertThat(e.problems()).singleElement().satisfies(problem -> {
            assertThat(problem.key()).isEqualTo("chassis.service.name");
            assertThat(problem.kind()).isEqualTo(Kind.MISSING);
        });
        assertThat(e.getMessage())
                .contains("chassis.service.name: missing required value")
                .contains("system property chassis.service.name")
                .contains("environment variable CHASSIS_SERVICE_NAME")
                .contains("the service's name");
    }

    @ParameterizedTest(name = "{0} as {1}")
    @CsvSource(delimiter = '|', value = {
        "integer  | 12a          | a whole number between -2147483648 and 2147483647",
        "integer  | 2147483648   | a whole number between -2147483648 and 2147483647",
        "port     | 0            | a whole number between 1 and 65535",
        "port     | 65536        | a whole number between 1 and 65535",
        "duration | 30           | a duration such as 500ms, 30s, 2m, 1h, 1d or ISO-8601 PT30S",
        "duration | 30 seconds   | a duration such as 500ms, 30s, 2m, 1h, 1d or ISO-8601 PT30S",
        "duration | PT-5S        | not negative",
        "duration | 99999999999999999d | ISO-8601 PT30S",
        "uri      | http://a b   | an absolute URI such as scheme://host:port/path",
        "uri      | /relative    | an absolute URI such as scheme://host:port/path",
        "bool     | yes          | true or false",
        "bool     | 1            | true or false",
        "enum     | medium       | one of LOW, HIGH",
    })
    void malformedValueSaysTheExpectedFormat(String type, String value, String expected) {
        // given
        ConfigKey<?> key = switch (type.trim()) {
            case "integer" -> ConfigKey.integer("chassis.value");
            case "port" -> ConfigKey.integer("chassis.value", 1, 65535);
            case "duration" -> ConfigKey.duration("chassis.value");
            case "uri" -> ConfigKey.uri("chassis.value");
            case "bool" -> ConfigKey.bool("chassis.value");
            default -> ConfigKey.enumeration("chassis.value", Level.class);
        };

        // when
        ConfigException e = failure(Map.of("CHASSIS_VALUE", value), Map.of(), key);

        // then
        assertThat(e).isNotNull();
        assertThat(e.problems()).singleElement().extracting(ConfigProblem::kind).isEqualTo(Kind.MALFORMED);
        assertThat(e.getMessage())
                .contains("chassis.value: malformed value '" + value + "' in environment variable CHASSIS_VALUE")
                .contains(expected);
    }

    @Test
    void malformedSystemPropertyIsAnErrorEvenWhenTheEnvironmentIsValid() {
        // when
        ConfigException e = failure(Map.of("CHASSIS_ADMIN_PORT", "8080"), Map.of("chassis.admin.port", "eighty"),
                ConfigKey.integer("chassis.admin.port"));

        // then
        assertThat(e).isNotNull();
        assertThat(e.getMessage()).contains("in system property chassis.admin.port");
    }

    @Test
    void malformedSecretIsNeverEchoed() {
        // given
        var key = ConfigKey.uri("DATABASE_URL").secret();

        // when
        ConfigException e = failure(Map.of("DATABASE_URL", "postgres://app:hunter2 @db/x"), Map.of(), key);

        // then
        assertThat(e).isNotNull();
        assertThat(e.getMessage())
                .contains("DATABASE_URL: malformed secret value (not shown)")
                .contains("an absolute URI")
                .doesNotContain("hunter2");
        assertThat(e.problems()).allSatisfy(problem -> assertThat(problem.message()).doesNotContain("hunter2"));
    }

    @Test
    void malformedValueIsEscapedSoItCannotForgeLogLines() {
        // when
        ConfigException e = failure(Map.of("CHASSIS_ENABLED", "yes\r\nINFO all good\u001b[2J"), Map.of(),
                ConfigKey.bool("chassis.enabled"));

        // then
        assertThat(e).isNotNull();
        assertThat(e.getMessage())
                .doesNotContain("\r").doesNotContain("\n  INFO").doesNotContain("\u001b")
                .contains("yes\\u000d\\u000aINFO all good\\u001b[2J");
    }

    @Test
    void misspeltChassisEnvironmentVariableIsReportedWithTheClosestKey() {
        // when
        ConfigException e = failure(Map.of("CHASSIS_ADMIN_PROT", "9000"), Map.of(),
                ConfigKey.integer("chassis.admin.port").withDefault(8081), ConfigKey.string("chassis.service.name").withDefault("x"));

        // then
        assertThat(e).isNotNull();
        assertThat(e.problems()).singleElement().satisfies(problem -> {
            assertThat(problem.kind()).isEqualTo(Kind.UNKNOWN);
            assertThat(problem.key()).isEqualTo("CHASSIS_ADMIN_PROT");
        });
        assertThat(e.getMessage())
                .contains("CHASSIS_ADMIN_PROT: unknown environment variable")
                .contains("did you mean environment variable CHASSIS_ADMIN_PORT?")
                .doesNotContain("9000");
    }

    @Test
    void misspeltChassisSystemPropertyIsReportedWithTheClosestKey() {
        // when
        ConfigException e = failure(Map.of(), Map.of("chassis.servce.name", "orders", "java.version", "17"),
                ConfigKey.string("chassis.service.name").withDefault("x"));

        // then
        assertThat(e).isNotNull();
        assertThat(e.getMessage())
                .contains("chassis.servce.name: unknown system property")
                .contains("did you mean system property chassis.service.name?");
    }

    @Test
    void environmentStyleSystemPropertyPointsToTheDottedName() {
        // when
        ConfigException e = failure(Map.of(), Map.of("CHASSIS_ADMIN_PORT", "9000"),
                ConfigKey.integer("chassis.admin.port").withDefault(8081));

        // then
        assertThat(e).isNotNull();
        assertThat(e.getMessage()).contains("did you mean system property chassis.admin.port?");
    }

    @Test
    void unknownKeyFarFromAnyDeclaredKeyListsTheDeclaredOnes() {
        // when
        ConfigException e = failure(Map.of("CHASSIS_COMPLETELY_DIFFERENT", "1"), Map.of(),
                ConfigKey.integer("chassis.admin.port").withDefault(8081));

        // then
        assertThat(e).isNotNull();
        assertThat(e.getMessage())
                .contains("no declared key is similar")
                .contains("CHASSIS_ADMIN_PORT");
    }

    @Test
    void lowerCaseChassisEnvironmentVariableIsNotSilentlyIgnored() {
        // when
        ConfigException e = failure(Map.of("chassis_admin_port", "9000"), Map.of(),
                ConfigKey.integer("chassis.admin.port").withDefault(8081));

        // then
        assertThat(e).isNotNull();
        assertThat(e.getMessage()).contains("did you mean environment variable CHASSIS_ADMIN_PORT?");
    }

    @Test
    void variablesOutsideTheChassisNamespaceAreIgnored() {
        // when
        Config config = Config.builder()
                .env(Map.of("PATH", "/bin", "RABBITMQ_URL", "amqp://x/", "CHASSISX", "1"))
                .systemProperties(Map.of("java.version", "17", "chassisx", "1"))
                .declare(ConfigKey.integer("chassis.admin.port").withDefault(8081))
                .build();

        // then
        assertThat(config.describe()).hasSize(1);
    }

    @Test
    void allowedUndeclaredNamesAreNotReportedInEitherSpelling() {
        // when
        Config config = Config.builder()
                .env(Map.of("CHASSIS_BUILD_ID", "b-17"))
                .systemProperties(Map.of("chassis.build.id", "b-17"))
                .allowUndeclared("chassis.build.id")
                .declare(ConfigKey.integer("chassis.admin.port").withDefault(8081))
                .build();

        // then
        assertThat(config.describe()).extracting(ConfigEntry::key).containsExactly("chassis.admin.port");
    }

    @Test
    void unknownKeyNameIsEscapedInTheProblem() {
        // when
        ConfigException e = failure(Map.of("CHASSIS_X\u001b[2J", "1"), Map.of(),
                ConfigKey.integer("chassis.admin.port").withDefault(8081));

        // then
        assertThat(e).isNotNull();
        assertThat(e.problems()).singleElement().extracting(ConfigProblem::key).isEqualTo("CHASSIS_X\\u001b[2J");
        assertThat(e.getMessage()).doesNotContain("\u001b");
    }

    @Test
    void reportsEveryProblemInOneException() {
        // when
        ConfigException e = failure(
                Map.of("CHASSIS_ADMIN_PORT", "http", "CHASSIS_TIMEOUTS", "5s", "CHASSIS_DEBUG", "maybe"),
                Map.of(),
                ConfigKey.string("chassis.service.name"),
                ConfigKey.integer("chassis.admin.port", 1, 65535),
                ConfigKey.duration("chassis.timeout").withDefault(java.time.Duration.ofSeconds(3)),
                ConfigKey.bool("chassis.debug"));

        // then
        assertThat(e).isNotNull();
        assertThat(e.problems()).extracting(ConfigProblem::key, ConfigProblem::kind).containsExactly(
                org.assertj.core.groups.Tuple.tuple("chassis.service.name", Kind.MISSING),
                org.assertj.core.groups.Tuple.tuple("chassis.admin.port", Kind.MALFORMED),
                org.assertj.core.groups.Tuple.tuple("chassis.debug", Kind.MALFORMED),
                org.assertj.core.groups.Tuple.tuple("CHASSIS_TIMEOUTS", Kind.UNKNOWN));
        assertThat(e.getMessage())
                .startsWith("invalid configuration (4 problems):")
                .contains("did you mean environment variable CHASSIS_TIMEOUT?");
        assertThat(e.getMessage().lines()).hasSize(5);
    }
}
