package dev.chassis.core.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chassis.core.MutableClock;
import dev.chassis.core.admin.AdminRequest;
import dev.chassis.core.admin.AdminResponse;
import dev.chassis.core.admin.AdminRoute;
import dev.chassis.core.json.JsonCodec;
import dev.chassis.core.resilience.CircuitBreaker.State;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CircuitBreakerRegistryTest {
    private final MutableClock clock = MutableClock.startingAt("2026-01-01T00:00:00Z");
    private final CircuitBreakerRegistry registry = CircuitBreakerRegistry.of(clock, CircuitBreakerConfig.ofDefaults());

    private AdminRoute route(String method, String pathTemplate) {
        return registry.adminRoutes().stream()
                .filter(r -> r.method().equals(method) && r.pathTemplate().equals(pathTemplate))
                .findFirst()
                .orElseThrow();
    }

    private static AdminRequest request(String method, String path, Map<String, String> pathParams) {
        return new AdminRequest(method, path, pathParams, Map.of(), new byte[0]);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> json(AdminResponse response) {
        return JsonCodec.defaults().read(response.body(), Map.class);
    }

    private static void open(CircuitBreaker breaker) {
        Resilience policy = Resilience.builder(breaker.name()).circuitBreaker(breaker).build();
        for (int i = 0; i < breaker.config().minimumCalls(); i++) {
            policy.call(() -> {
                throw new IllegalStateException("down");
            }, failure -> "ignored");
        }
    }

    @Test
    void returnsTheSameBreakerForTheSameName() {
        // when
        CircuitBreaker first = registry.circuitBreaker("payments");
        CircuitBreaker second = registry.circuitBreaker("payments");

        // then
        assertThat(second).isSameAs(first);
        assertThat(registry.find("payments")).containsSame(first);
        assertThat(registry.find("unknown")).isEmpty();
    }

    @Test
    void refusesTheSameNameWithAnotherConfiguration() {
        // given
        registry.circuitBreaker("payments");
        CircuitBreakerConfig other = CircuitBreakerConfig.builder().halfOpenPermits(1).build();

        // when / then
        assertThatThrownBy(() -> registry.circuitBreaker("payments", other))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("payments");
    }

    @Test
    void breakersUseTheRegistrysClock() {
        // given
        CircuitBreaker breaker = registry.circuitBreaker("payments");
        open(breaker);

        // when
        clock.advance(Duration.ofSeconds(30));
        Resilience.builder("p").circuitBreaker(breaker).build().call(() -> "probe");

        // then
        assertThat(breaker.state()).isEqualTo(State.HALF_OPEN);
    }

    @Test
    void listsAllBreakersSortedByName() {
        // given
        registry.circuitBreaker("shipping");
        registry.circuitBreaker("inventory");

        // when
        List<String> names = registry.all().stream().map(CircuitBreaker::name).toList();

        // then
        assertThat(names).containsExactly("inventory", "shipping");
    }

    @Test
    void getRouteShowsEachBreakersStateRateCallsAndConfig() throws Exception {
        // given
        open(registry.circuitBreaker("payments"));
        registry.circuitBreaker("inventory");

        // when
        AdminResponse response = route("GET", "/chassis/resilience").handler()
                .handle(request("GET", "/chassis/resilience", Map.of()));

        // then
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.contentType()).isEqualTo(AdminResponse.JSON);
        assertThat(json(response)).isEqualTo(Map.of("circuitBreakers", List.of(
                Map.of("name", "inventory", "state", "CLOSED", "failureRate", 0.0, "bufferedCalls", 0,
                        "failedCalls", 0, "config", defaultConfigView()),
                Map.of("name", "payments", "state", "OPEN", "failureRate", 100.0, "bufferedCalls", 10,
                        "failedCalls", 10, "config", defaultConfigView()))));
    }

    private static Map<String, Object> defaultConfigView() {
        return Map.of("timeout", "PT3S", "failureRateThreshold", 50, "slidingWindowSize", 20, "minimumCalls", 10,
                "openDuration", "PT30S", "halfOpenPermits", 3);
    }

    @Test
    void resetRouteClosesTheNamedBreaker() throws Exception {
        // given
        CircuitBreaker breaker = registry.circuitBreaker("payments");
        open(breaker);

        // when
        AdminResponse response = route("POST", "/chassis/resilience/{name}/reset").handler()
                .handle(request("POST", "/chassis/resilience/payments/reset", Map.of("name", "payments")));

        // then
        assertThat(response.status()).isEqualTo(200);
        assertThat(json(response)).containsEntry("name", "payments").containsEntry("state", "CLOSED")
                .containsEntry("bufferedCalls", 0);
        assertThat(breaker.state()).isEqualTo(State.CLOSED);
    }

    @Test
    void resetRouteAnswers404ForAnUnknownName() throws Exception {
        // when
        AdminResponse response = route("POST", "/chassis/resilience/{name}/reset").handler()
                .handle(request("POST", "/chassis/resilience/nope/reset", Map.of("name", "nope")));

        // then
        assertThat(response.status()).isEqualTo(404);
        assertThat(response.contentType()).isEqualTo(AdminResponse.JSON);
        assertThat(json(response)).isEqualTo(Map.of("error", "no circuit breaker named 'nope'"));
    }

    @Test
    void offersExactlyTheTwoRoutes() {
        assertThat(registry.adminRoutes()).extracting(AdminRoute::method, AdminRoute::pathTemplate)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("GET", "/chassis/resilience"),
                        org.assertj.core.groups.Tuple.tuple("POST", "/chassis/resilience/{name}/reset"));
    }
}
