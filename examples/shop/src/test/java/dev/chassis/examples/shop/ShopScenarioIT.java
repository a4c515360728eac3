package dev.chassis.examples.shop;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Runs the demo's scenario as {@code scripts/demo --once} does, through the gateway, on databases of
 * its own on the local PostgreSQL.
 */
class ShopScenarioIT {
    private final ShopFixture shop = new ShopFixture();

    @AfterEach
    void stopShop() throws Exception {
        shop.close();
    }

    @Test
    void scenarioWelcomesTheUserAndEndsEachOrderSagaAsItsCaseRequires() throws Exception {
        // given
        var printed = new ByteArrayOutputStream();
        var out = new PrintStream(printed, true, StandardCharsets.UTF_8);
        ShopSystem system = shop.system;

        // when
        ShopScenario.Outcome outcome;
        HttpResponse<String> orderServiceDown;
        try {
            ShopScenario scenario = new ShopScenario(out, Endpoints.of(system));
            outcome = scenario.run(system.services().values(), system.setup());
            orderServiceDown = scenario.orderServiceDown(() -> system.stop("order-service"));
        } finally {
            Shop.stop(system, out);
        }

        // then
        ScenarioChecks.assertSucceeded(outcome);
        assertThat(orderServiceDown.statusCode()).isEqualTo(503);
        assertThat(orderServiceDown.body()).isEqualTo("{\"error\":\"Service temporarily unavailable\"}");
        assertThat(system.shutdownReports()).hasSize(ShopSystem.SERVICES.size())
                .allSatisfy(report -> assertThat(report.isClean()).isTrue());
        assertThat(system.registry().healthyInstances("order-service")).isEmpty();
        assertThat(printed.toString(StandardCharsets.UTF_8))
                .contains("[1] the services run in this JVM", "databases " + shop.prefix + "* on the server of SHOP_DATABASE_URL",
                        "the gateway on http://", "[3] the projection catches up", "(the registration's)",
                        "is CONFIRMED; saga COMPLETED", "saga COMPENSATED: step 'reserve-inventory' failed",
                        "saga COMPENSATED: step 'process-payment' failed", "the correlation ids",
                        outcome.registrationCorrelation() + " -> " + outcome.registrationCorrelation(),
                        "[13] the order service stops", "-> 503", "graceful shutdown:");
    }
}
