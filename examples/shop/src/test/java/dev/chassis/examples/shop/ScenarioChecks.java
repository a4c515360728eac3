package dev.chassis.examples.shop;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

/** What a successful run of the scenario shows, in either mode. */
final class ScenarioChecks {
    private ScenarioChecks() {
    }

    static void assertSucceeded(ShopScenario.Outcome outcome) {
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
    }
}
