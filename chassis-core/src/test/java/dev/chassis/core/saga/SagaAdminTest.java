package dev.chassis.core.saga;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chassis.core.admin.AdminRequest;
import dev.chassis.core.admin.AdminResponse;
import dev.chassis.core.admin.AdminRoute;
import dev.chassis.core.saga.OrderSagaWorld.Order;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SagaAdminTest {
    private final OrderSagaWorld world = new OrderSagaWorld();
    private final SagaOrchestrator orchestrator = world.orchestrator("node-1");

    private AdminResponse get(String template, Map<String, String> path, Map<String, List<String>> query) throws Exception {
        AdminRoute route = orchestrator.adminRoutes().stream().filter(r -> r.pathTemplate().equals(template))
                .findFirst().orElseThrow();
        return route.handler().handle(new AdminRequest("GET", template, path, query, new byte[0]));
    }

    @Test
    void servesCountsByStateSagasInAStateAndOneSagasHistory() throws Exception {
        // given
        String done = orchestrator.start(world.definition, "saga-1", new Order("o-1", 1, 100));
        world.pump(orchestrator);
        world.declinePayments = true;
        world.releaseFailures.set(Integer.MAX_VALUE);
        orchestrator.start(world.definition, "saga-2", new Order("o-2", 1, 100));
        world.pump(orchestrator);
        orchestrator.start(world.definition, "saga-3", new Order("o-3", 1, 100));

        // when
        AdminResponse counts = get("/chassis/sagas", Map.of(), Map.of());
        AdminResponse compensating = get("/chassis/sagas", Map.of(), Map.of("state", List.of("compensating")));
        AdminResponse one = get("/chassis/sagas/{id}", Map.of("id", done), Map.of());
        AdminResponse missing = get("/chassis/sagas/{id}", Map.of("id", "nope"), Map.of());
        AdminResponse bad = get("/chassis/sagas", Map.of(), Map.of("state", List.of("LOST")));

        // then
        assertThat(counts.status()).isEqualTo(200);
        assertThat(counts.bodyText()).contains("\"COMPLETED\":1", "\"COMPENSATING\":1", "\"RUNNING\":1",
                "\"started\":3", "order-saga v1");
        assertThat(compensating.bodyText()).contains("\"id\":\"saga-2\"", "\"step\":\"reserve-inventory\"")
                .doesNotContain("saga-1");
        assertThat(one.status()).isEqualTo(200);
        assertThat(one.bodyText()).contains("\"state\":\"COMPLETED\"", "\"event\":\"step-succeeded\"",
                "\"at\":\"2026-01-01T00:00:00Z\"");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(bad.status()).isEqualTo(400);
    }
}
