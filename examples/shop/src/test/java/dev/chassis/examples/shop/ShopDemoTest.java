package dev.chassis.examples.shop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chassis.core.config.ConfigException;
import dev.chassis.core.resilience.CircuitBreaker;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** Runs the demo's scenario as scripts/demo does, and checks what it claims to show. */
class ShopDemoTest {
    @Test
    void scenarioShowsEachCapabilityWorking() throws Exception {
        // given
        var printed = new ByteArrayOutputStream();
        var demo = new ShopDemo(ShopDemo.config(Map.of(), new Properties()), new PrintStream(printed, true, StandardCharsets.UTF_8), true);

        // when
        demo.runScenario();
        demo.shutdown();
        ShopDemo.Outcome outcome = demo.outcomeAfterShutdown();

        // then
        assertThat(outcome.welcomeEmails()).containsExactly("ada@example.com");
        assertThat(outcome.correlationSeenByHandler()).isEqualTo(outcome.correlationPublished());
        assertThat(outcome.deadLetters()).singleElement().satisfies(letter -> {
            assertThat(letter.attempts()).isEqualTo(1);
            assertThat(letter.exceptionClass()).isEqualTo("dev.chassis.core.NonRetryableException");
            assertThat(letter.exceptionMessage()).isEqualTo("user u-2 has no e-mail address");
        });
        assertThat(outcome.flakyAttempts()).isEqualTo(2);
        assertThat(outcome.breakerAfterFailures()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(outcome.rejectedWhileOpen()).isTrue();
        assertThat(outcome.healthStatus()).isEqualTo(200);
        assertThat(outcome.readyStatus()).isEqualTo(200);
        assertThat(outcome.readyStatusWhileStopping()).isEqualTo(503);
        assertThat(printed.toString(StandardCharsets.UTF_8))
                .contains("[1] effective configuration", "chassis.service.name", "[4] welcome e-mail sent to [ada@example.com]",
                        "[9] graceful shutdown");
    }

    @Test
    void misspelledChassisKeyFailsAtStartNamingIt() {
        assertThatThrownBy(() -> ShopDemo.config(Map.of("CHASSIS_ADMIN_PROT", "9000"), new Properties()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("CHASSIS_ADMIN_PROT")
                .hasMessageContaining("did you mean environment variable CHASSIS_ADMIN_PORT");
    }
}
