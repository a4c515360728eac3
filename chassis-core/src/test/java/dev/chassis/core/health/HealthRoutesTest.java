package dev.chassis.core.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chassis.core.admin.AdminServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HealthRoutesTest {
    private final HttpClient client = HttpClient.newHttpClient();
    private final AtomicBoolean dbUp = new AtomicBoolean(true);
    private final HealthRegistry health = HealthRegistry.builder()
            .cacheTtl(Duration.ZERO)
            .check(HealthCheck.readiness("db", () -> dbUp.get() ? HealthResult.up() : HealthResult.down("refused")))
            .check(HealthCheck.liveness("loop", HealthResult::up))
            .build();
    private final AdminServer server = AdminServer.builder().host("127.0.0.1").port(0)
            .routes(health.adminRoutes()).build().start();

    @AfterEach
    void stop() {
        server.stop(Duration.ZERO);
        health.close();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void healthAndReadyAnswer200WithJsonWhenUp() throws Exception {
        // when
        HttpResponse<String> health = get("/health");
        HttpResponse<String> ready = get("/ready");

        // then
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(health.body()).isEqualTo("{\"status\":\"UP\",\"checks\":{\"loop\":{\"status\":\"UP\"}}}");
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.body()).isEqualTo("{\"status\":\"UP\",\"checks\":{\"db\":{\"status\":\"UP\"}}}");
    }

    @Test
    void readyAnswers503WhenADependencyIsDownWhileHealthStays200() throws Exception {
        // given
        dbUp.set(false);

        // when
        HttpResponse<String> ready = get("/ready");
        HttpResponse<String> health = get("/health");

        // then
        assertThat(ready.statusCode()).isEqualTo(503);
        assertThat(ready.body()).isEqualTo(
                "{\"status\":\"DOWN\",\"checks\":{\"db\":{\"status\":\"DOWN\",\"error\":\"refused\"}}}");
        assertThat(health.statusCode()).isEqualTo(200);
    }

    @Test
    void readyAnswers503ShuttingDownAfterTheSwitchFlipped() throws Exception {
        // given
        assertThat(get("/ready").statusCode()).isEqualTo(200);

        // when
        health.markShuttingDown();

        // then
        HttpResponse<String> ready = get("/ready");
        assertThat(ready.statusCode()).isEqualTo(503);
        assertThat(ready.body()).isEqualTo("{\"status\":\"DOWN\",\"reason\":\"shutting down\",\"checks\":{}}");
        assertThat(get("/health").statusCode()).isEqualTo(200);
    }
}
