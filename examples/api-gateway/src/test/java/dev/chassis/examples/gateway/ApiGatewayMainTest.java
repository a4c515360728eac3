package dev.chassis.examples.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chassis.core.config.ConfigException;
import dev.chassis.discovery.ServiceInstance;
import dev.chassis.discovery.ServiceRegistry;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ApiGatewayMainTest {
    @Test
    void readsTheRoutedServicesInstancesFromStaticConfiguration() {
        // given
        Map<String, String> env = Map.of(
                "CHASSIS_DISCOVERY_STATIC_USER_SERVICE", "127.0.0.1:9001,127.0.0.1:9002",
                "CHASSIS_DISCOVERY_STATIC_ORDER_SERVICE", "127.0.0.1:9003");

        // when
        try (ServiceRegistry registry = ApiGatewayMain.registry(env, Route.defaults())) {

            // then
            assertThat(registry.healthyInstances("user-service")).extracting(ServiceInstance::port).containsExactly(9001, 9002);
            assertThat(registry.healthyInstances("order-service")).extracting(ServiceInstance::port).containsExactly(9003);
        }
    }

    @Test
    void namesTheMissingVariableWhenARoutedServiceHasNoInstances() {
        // given
        Map<String, String> env = Map.of("CHASSIS_DISCOVERY_STATIC_USER_SERVICE", "127.0.0.1:9001");

        // then
        assertThatThrownBy(() -> ApiGatewayMain.registry(env, Route.defaults()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("CHASSIS_DISCOVERY_STATIC_ORDER_SERVICE");
    }

    @Test
    void routesFromTheEnvironmentFormatNameTheServicesToConfigure() {
        // given
        List<Route> routes = Route.parse("/api/users=user-service/users");

        // when
        try (ServiceRegistry registry = ApiGatewayMain.registry(
                Map.of("CHASSIS_DISCOVERY_STATIC_USER_SERVICE", "127.0.0.1:9001"), routes)) {

            // then
            assertThat(registry.healthyInstances("user-service")).hasSize(1);
        }
    }
}
