package dev.chassis.examples.shop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chassis.core.lifecycle.ShutdownReport;
import dev.chassis.examples.support.Database;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Runs the demo's scenario as scripts/demo does, on databases of its own on the local PostgreSQL. */
class ShopScenarioIT {
    private static final String SERVER = "postgresql://postgres@127.0.0.1:5432/postgres";
    private final String prefix = "shoptest_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8) + "_";

    @AfterEach
    void dropDatabases() throws Exception {
        try (Database admin = Database.connect(SERVER, "shop-test-admin");
             Connection c = admin.dataSource().getConnection(); Statement drop = c.createStatement()) {
            for (String service : ShopSystem.names()) {
                drop.execute("DROP DATABASE IF EXISTS " + ShopDatabases.databaseName(prefix, service) + " WITH (FORCE)");
            }
        }
    }

    @Test
    void scenarioRegistersAUserWelcomesThemInTheSameCorrelationAndRefusesBadInput() throws Exception {
        // given
        var printed = new ByteArrayOutputStream();
        var out = new PrintStream(printed, true, StandardCharsets.UTF_8);
        ShopSystem system = ShopSystem.start(Shop.config(
                Map.of("SHOP_DATABASE_URL", SERVER, "SHOP_DATABASE_PREFIX", prefix), new Properties()));

        // when
        ShopScenario.Outcome outcome;
        try {
            outcome = new ShopScenario(out, Endpoints.direct(system)).run(system);
        } finally {
            Shop.stop(system, out);
        }

        // then
        assertThat(outcome.registrationStatus()).isEqualTo(201);
        assertThat(outcome.readStatus()).isEqualTo(200);
        assertThat(outcome.welcomeEmail()).containsEntry("recipient", outcome.email())
                .containsEntry("userId", outcome.userId())
                .containsEntry("correlationId", outcome.registrationCorrelation());
        assertThat(outcome.invalidStatus()).isEqualTo(400);
        assertThat(outcome.invalidBody()).containsEntry("error", "validation failed")
                .containsEntry("fields", Map.of("name", "must not be blank",
                        "email", "must be an e-mail address like ada@example.com"));
        assertThat(outcome.duplicateStatus()).isEqualTo(409);
        assertThat(outcome.readiness()).isEqualTo(Map.of("user-service", 200, "email-service", 200));
        assertThat(system.shutdownReports()).hasSize(2).allSatisfy(report -> assertThat(report.isClean()).isTrue());
        assertThat(system.registry().healthyInstances("user-service")).isEmpty();
        assertThat(printed.toString(StandardCharsets.UTF_8))
                .contains("[1] the services run in this JVM", "databases " + prefix + "* on the server of SHOP_DATABASE_URL",
                        "[3] the projection catches up", "(the registration's)", "[7] health and readiness",
                        "graceful shutdown:");
    }
}
