package dev.chassis.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chassis.core.admin.AdminRequest;
import dev.chassis.core.admin.AdminResponse;
import dev.chassis.core.admin.AdminRoute;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EffectiveConfigTest {
    private static final ConfigKey<String> SERVICE = ConfigKey.string("chassis.service.name").description("logical name");
    private static final ConfigKey<Integer> PORT = ConfigKey.integer("chassis.admin.port", 1, 65535).withDefault(8081);
    private static final ConfigKey<Duration> TIMEOUT = ConfigKey.duration("chassis.http.timeout").withDefault(Duration.ofMillis(2500));
    private static final ConfigKey<String> TOKEN = ConfigKey.string("chassis.api.token").secret();
    private static final ConfigKey<String> FALLBACK_TOKEN = ConfigKey.string("chassis.fallback.token").secret().withDefault("s3cr3t-default");
    private static final ConfigKey<java.net.URI> RABBIT = ConfigKey.uri("RABBITMQ_URL");
    private static final ConfigKey<String> ZONE = ConfigKey.string("chassis.zone").optional();

    private final Config config = Config.builder()
            .env(Map.of(
                    "CHASSIS_API_TOKEN", "t0ps3cr3t",
                    "CHASSIS_ADMIN_PORT", "9000",
                    "RABBITMQ_URL", "amqp://orders:rabbitpw@broker:5672/"))
            .systemProperties(Map.of("chassis.service.name", "orders"))
            .declare(SERVICE, PORT, TIMEOUT, TOKEN, FALLBACK_TOKEN, RABBIT, ZONE)
            .build();

    @Test
    void describesEveryKeyWithValueAndOriginInDeclarationOrder() {
        // when
        List<ConfigEntry> entries = config.describe();

        // then
        assertThat(entries).containsExactly(
                new ConfigEntry("chassis.service.name", "CHASSIS_SERVICE_NAME", "orders", ConfigOrigin.SYSTEM_PROPERTY, false, "logical name"),
                new ConfigEntry("chassis.admin.port", "CHASSIS_ADMIN_PORT", "9000", ConfigOrigin.ENV, false, ""),
                new ConfigEntry("chassis.http.timeout", "CHASSIS_HTTP_TIMEOUT", "2500ms", ConfigOrigin.DEFAULT, false, ""),
                new ConfigEntry("chassis.api.token", "CHASSIS_API_TOKEN", "******", ConfigOrigin.ENV, true, ""),
                new ConfigEntry("chassis.fallback.token", "CHASSIS_FALLBACK_TOKEN", "******", ConfigOrigin.DEFAULT, true, ""),
                new ConfigEntry("RABBITMQ_URL", "RABBITMQ_URL", "amqp://orders:******@broker:5672/", ConfigOrigin.ENV, false, ""),
                new ConfigEntry("chassis.zone", "CHASSIS_ZONE", null, ConfigOrigin.UNSET, false, ""));
        assertThatThrownBy(() -> entries.add(entries.get(0))).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void secretValuesAreStillAvailableToTheService() {
        // when
        String token = config.get(TOKEN);

        // then
        assertThat(token).isEqualTo("t0ps3cr3t");
        assertThat(config.get(RABBIT).getUserInfo()).isEqualTo("orders:rabbitpw");
    }

    @Test
    void printsATableWithoutSecrets() {
        // when
        String table = config.toString();

        // then
        assertThat(table.lines().findFirst()).hasValueSatisfying(header ->
                assertThat(header).startsWith("KEY").contains("ENV").contains("ORIGIN").endsWith("VALUE"));
        assertThat(table)
                .containsPattern("chassis\\.admin\\.port +CHASSIS_ADMIN_PORT +ENV +9000")
                .containsPattern("chassis\\.api\\.token +CHASSIS_API_TOKEN +ENV +\\*{6}")
                .containsPattern("chassis\\.zone +CHASSIS_ZONE +UNSET +\\(unset\\)")
                .doesNotContain("t0ps3cr3t").doesNotContain("s3cr3t-default").doesNotContain("rabbitpw");
    }

    @Test
    void adminRouteServesTheEffectiveConfigurationAsJsonWithoutSecrets() throws Exception {
        // given
        AdminRoute route = config.adminRoute();

        // when
        AdminResponse response = route.handler().handle(
                new AdminRequest("GET", "/chassis/config", Map.of(), Map.of(), new byte[0]));

        // then
        assertThat(route.method()).isEqualTo("GET");
        assertThat(route.pathTemplate()).isEqualTo("/chassis/config");
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.contentType()).isEqualTo(AdminResponse.JSON);
        assertThat(response.bodyText())
                .contains("{\"key\":\"chassis.admin.port\",\"env\":\"CHASSIS_ADMIN_PORT\",\"value\":\"9000\","
                        + "\"origin\":\"ENV\",\"secret\":false,\"description\":\"\"}")
                .contains("\"value\":\"******\"")
                .doesNotContain("t0ps3cr3t").doesNotContain("s3cr3t-default").doesNotContain("rabbitpw");
    }

    @Test
    void keyToStringNeverShowsASecretDefault() {
        // when
        String text = FALLBACK_TOKEN.toString();

        // then
        assertThat(text).contains("chassis.fallback.token").contains("secret").doesNotContain("s3cr3t-default");
    }

    @Test
    void describedEntryRejectsAnUnmaskedSecret() {
        assertThatThrownBy(() -> new ConfigEntry("k", "K", "plain", ConfigOrigin.ENV, true, ""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("plain");
    }
}
