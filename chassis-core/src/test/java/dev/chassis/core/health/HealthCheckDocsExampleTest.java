package dev.chassis.core.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** Runs the health check sample of docs/health-and-lifecycle.md; keep both in step. */
class HealthCheckDocsExampleTest {
    /** The broker connection of the sample, opened and closed by the test. */
    static final class Connection {
        private final AtomicBoolean open = new AtomicBoolean(true);

        boolean isOpen() {
            return open.get();
        }

        void close() {
            open.set(false);
        }
    }

    private final Connection connection = new Connection();
    private final Duration lag = Duration.ofMillis(12);

    @Test
    void readinessFollowsTheConnectionAndLivenessReportsTheLag() {
        // given
        HealthCheck broker = HealthCheck.readiness("rabbitmq",
                () -> connection.isOpen() ? HealthResult.up() : HealthResult.down("connection closed"));
        HealthCheck loop = HealthCheck.liveness("event-loop",
                () -> HealthResult.up(Map.of("lagMs", lag.toMillis())));

        try (HealthRegistry health = HealthRegistry.builder().check(broker).check(loop).cacheTtl(Duration.ZERO).build()) {
            // when
            HealthReport readyWhileOpen = health.readiness();
            connection.close();
            HealthReport readyWhenClosed = health.readiness();
            HealthReport live = health.liveness();

            // then
            assertThat(readyWhileOpen.isUp()).isTrue();
            assertThat(readyWhenClosed.isUp()).isFalse();
            assertThat(readyWhenClosed.checks().get("rabbitmq").errorMessage()).contains("connection closed");
            assertThat(live.isUp()).isTrue();
            assertThat(live.checks()).containsOnlyKeys("event-loop");
            assertThat(live.checks().get("event-loop").details()).isEqualTo(Map.of("lagMs", 12L));
        }
    }
}
