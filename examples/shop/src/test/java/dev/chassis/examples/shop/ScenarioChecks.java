package dev.chassis.examples.shop;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

/** What a successful run of the scenario shows, in either mode. */
final class ScenarioChecks {
    private ScenarioChecks() {
    }

    static void assertSucceeded(ShopScenario.Outcome outcome) {
        assertThat(outcome.registrationStatus()).isEqualTo(201);
        assertThat(outcome.returnedCorrelation()).isEqualTo(outcome.registrationCorrelation());
        assertThat(outcome.readStatus()).isEqualTo(200);
        assertThat(outcome.welcomeEmail()).containsEntry("recipient", outcome.email())
                .containsEntry("userId", outcome.userId())
                .containsEntry("correlationId", outcome.registrationCorrelation());
        assertThat(outcome.invalidStatus()).isEqualTo(400);
        assertThat(outcome.invalidBody()).containsEntry("error", "validation failed")
                .containsEntry("fields", Map.of("name", "must not be blank",
                        "email", "must be an e-mail address like ada@example.com"));
        assertThat(outcome.duplicateStatus()).isEqualTo(409);
        assertOrders(outcome.orders());
        assertThat(outcome.readiness()).containsOnlyKeys(ShopSystem.names()).allSatisfy((name, status) ->
                assertThat(status).as(name + " /ready").isEqualTo(200));
    }

    private static void assertOrders(Map<String, ShopScenario.OrderOutcome> orders) {
        assertThat(orders).containsOnlyKeys("completed", "out-of-stock", "declined");
        orders.values().forEach(order -> {
            assertThat(order.placedStatus()).isEqualTo(202);
            assertThat(order.returnedCorrelation()).isEqualTo(order.correlation());
        });

        ShopScenario.OrderOutcome completed = orders.get("completed");
        assertThat(completed.status()).isEqualTo("CONFIRMED");
        assertThat(completed.order()).containsEntry("total", 39.80).containsEntry("paymentId", "pay-" + completed.id())
                .containsEntry("shipmentId", "ship-" + completed.id());
        assertThat(completed.saga()).containsEntry("state", "COMPLETED").containsEntry("failure", null);
        assertThat(steps(completed)).contains("create-order", "reserve-inventory", "process-payment", "schedule-shipping",
                "confirm-order");

        ShopScenario.OrderOutcome outOfStock = orders.get("out-of-stock");
        assertThat(outOfStock.status()).isEqualTo("CANCELLED");
        assertThat(outOfStock.saga()).containsEntry("state", "COMPENSATED");
        assertThat((String) outOfStock.saga().get("failure"))
                .startsWith("step 'reserve-inventory' failed: reply inventory.rejected: insufficient stock")
                .contains("(requested 3, available 1)");
        assertThat(steps(outOfStock)).doesNotContain("process-payment");

        ShopScenario.OrderOutcome declined = orders.get("declined");
        assertThat(declined.status()).isEqualTo("CANCELLED");
        assertThat(declined.saga()).containsEntry("state", "COMPENSATED").containsEntry("failure",
                "step 'process-payment' failed: reply payment.declined: amount 1500.00 is above the limit of "
                        + ShopScenario.DECLINE_ABOVE);
        assertThat(steps(declined)).containsSubsequence("process-payment", "reserve-inventory", "create-order");
        assertThat(declined.order()).containsEntry("paymentId", null).containsEntry("shipmentId", null);
    }

    private static List<String> steps(ShopScenario.OrderOutcome order) {
        return order.history().stream().map(t -> (String) t.get("step")).toList();
    }
}
