package dev.chassis.core.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chassis.core.admin.AdminServer;
import dev.chassis.core.lifecycle.Lifecycle;
import dev.chassis.core.lifecycle.LifecycleComponent;
import dev.chassis.core.lifecycle.ShutdownPhase;
import dev.chassis.core.lifecycle.ShutdownReport;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/** Runs the example of docs/health-and-lifecycle.md against the local PostgreSQL. */
class HealthAndLifecycleExampleIT {
    private final HttpClient client = HttpClient.newHttpClient();
    private final List<String> seenDuringShutdown = new CopyOnWriteArrayList<>();

    private int status(int port, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void readinessGoesDownFirstWhileLivenessStaysUpAndTheAdminServerClosesLast() throws Exception {
        // given: the documented wiring
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setUrl("jdbc:postgresql://127.0.0.1:5432/test?user=postgres");

        HealthRegistry health = HealthRegistry.builder()
                .check(HealthChecks.dataSource("db", dataSource))
                .check(HealthCheck.liveness("self", HealthResult::up))
                .build();
        AdminServer admin = AdminServer.builder()
                .port(0)                          // 0 = any free port, see admin.port(); 8081 by default
                .routes(health.adminRoutes())
                .build();

        Lifecycle lifecycle = Lifecycle.ofDefaults();
        lifecycle.add(LifecycleComponent.of("admin-server", admin::start, admin::close));
        lifecycle.onShutdown(ShutdownPhase.READINESS_DOWN, "readiness", health::markShuttingDown);
        lifecycle.onShutdown(ShutdownPhase.CLOSE, "health", health::close);
        lifecycle.installShutdownHook();
        lifecycle.start();

        int port = admin.port();
        lifecycle.onShutdown(ShutdownPhase.DEREGISTER, "observe", () -> seenDuringShutdown.add(
                "ready " + status(port, "/ready") + ", health " + status(port, "/health")));
        assertThat(status(port, "/ready")).isEqualTo(200);
        assertThat(status(port, "/health")).isEqualTo(200);
        assertThat(health.readiness().checks().get("db").details()).isEqualTo(Map.of("database", "PostgreSQL"));

        // when
        ShutdownReport report = lifecycle.shutdown();

        // then
        assertThat(seenDuringShutdown).containsExactly("ready 503, health 200");
        assertThat(report.isClean()).as("report %s", report).isTrue();
        assertThat(report.steps()).extracting(ShutdownReport.Step::name)
                .containsExactly("readiness", "observe", "admin-server", "health");
        assertThatThrownBy(() -> status(port, "/health")).isInstanceOf(ConnectException.class);
    }
}
