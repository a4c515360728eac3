package dev.chassis.examples.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class RouteTest {
    @Test
    void rewritesWholeSegmentsOnly() {
        // given
        Route users = Route.of("/api/users", "user-service", "/users");

        // then
        assertThat(users.rewrite("/api/users")).contains("/users");
        assertThat(users.rewrite("/api/users/42")).contains("/users/42");
        assertThat(users.rewrite("/api/usersX")).isEmpty();
        assertThat(users.rewrite("/api")).isEmpty();
        assertThat(Route.of("/api/users", "user-service").rewrite("/api/users")).contains("/");
    }

    @Test
    void parsesTheEnvironmentFormat() {
        // when
        List<Route> routes = Route.parse(" /api/users=user-service/users , /api/orders=order-service/orders,/x=x-service");

        // then
        assertThat(routes).containsExactly(Route.of("/api/users", "user-service", "/users"),
                Route.of("/api/orders", "order-service", "/orders"), Route.of("/x", "x-service"));
        assertThat(Route.defaults()).isEqualTo(Route.parse("/api/users=user-service/users,/api/orders=order-service/orders"));
    }

    @Test
    void refusesMalformedRoutesSayingWhatToWrite() {
        assertThatThrownBy(() -> Route.parse("/api/users"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("prefix=service");
        assertThatThrownBy(() -> Route.of("/api/../admin", "user-service"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'..'");
        assertThatThrownBy(() -> Route.of("/api/users/", "user-service"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("/api/users");
        assertThatThrownBy(() -> Route.of("/api/users", "user service"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("service name");
        assertThatThrownBy(() -> Route.parse(" , "))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no routes");
    }
}
