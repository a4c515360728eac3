package dev.chassis.examples.shop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chassis.core.NonRetryableException;
import dev.chassis.core.config.Config;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The shop's start-up decisions, without starting anything. The scenario itself runs in {@link ShopScenarioIT}. */
class ShopDemoTest {
    @Test
    void readsADatabaseUrlPerServiceAndTheSharedServer() {
        // when
        Config config = Shop.config(Map.of("USER_SERVICE_DATABASE_URL", "postgresql://u@db/users",
                "SHOP_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres"), new Properties());

        // then
        assertThat(config.find(ShopDatabases.serviceUrl("user-service"))).hasValue("postgresql://u@db/users");
        assertThat(config.find(ShopDatabases.serviceUrl("email-service"))).isEmpty();
        assertThat(config.get(ShopDatabases.SHOP_DATABASE_PREFIX)).isEqualTo("shop_");
    }

    @Test
    void namesOneDatabasePerServiceOnTheSharedServer() {
        // when
        String name = ShopDatabases.databaseName("shop_", "user-service");
        String url = ShopDatabases.withDatabase("jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres", name);
        String withoutPath = ShopDatabases.withDatabase("jdbc:postgresql://db.internal?user=postgres", name);

        // then
        assertThat(name).isEqualTo("shop_user_service");
        assertThat(url).isEqualTo("jdbc:postgresql://127.0.0.1:5432/shop_user_service?user=postgres");
        assertThat(withoutPath).isEqualTo("jdbc:postgresql://db.internal/shop_user_service?user=postgres");
    }

    @Test
    void explainsThatTheEmbeddedServerCannotRunAsRootAndWhatToDoInstead() {
        assertThatThrownBy(() -> ShopDatabases.checkMayRunPostgres("root"))
                .isInstanceOf(NonRetryableException.class)
                .hasMessageContaining("PostgreSQL refuses to run as root")
                .hasMessageContaining("SHOP_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres");
        assertThatCode(() -> ShopDatabases.checkMayRunPostgres("ada")).doesNotThrowAnyException();
    }

    @Test
    void servesTheGatewayOnPort8080UnlessGatewayPortSaysOtherwise() {
        // when
        Config defaults = Shop.config(Map.of(), new Properties());
        Config chosen = Shop.config(Map.of("GATEWAY_PORT", "0"), new Properties());

        // then
        assertThat(defaults.get(ShopSystem.GATEWAY_PORT)).isEqualTo(8080);
        assertThat(chosen.get(ShopSystem.GATEWAY_PORT)).isZero();
        assertThatThrownBy(() -> Shop.config(Map.of("GATEWAY_PORT", "80800"), new Properties()))
                .hasMessageContaining("GATEWAY_PORT");
    }

    @Test
    void startsTheSagaParticipantsBeforeTheOrderService() {
        assertThat(ShopSystem.names()).containsExactly("email-service", "user-service", "inventory-service",
                "payment-service", "shipping-service", "order-service");
    }
}
