package dev.chassis.core.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.chassis.core.config.Config;
import dev.chassis.core.config.ConfigKey;
import dev.chassis.core.health.HealthCheck;
import dev.chassis.core.health.HealthRegistry;
import dev.chassis.core.health.HealthResult;
import dev.chassis.core.json.JsonCodec;
import dev.chassis.core.resilience.CircuitBreakerRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Runs the samples of docs/admin-server.md; keep both in step. */
class AdminServerDocsExampleTest {
    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final HealthRegistry health = HealthRegistry.builder()
            .check(HealthCheck.liveness("self", HealthResult::up))
            .build();

    @AfterEach
    void closeHealth() {
        health.close();
    }

    private HttpResponse<String> get(int port, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> json(HttpResponse<String> response) {
        return JsonCodec.defaults().read(response.body(), Map.class);
    }

    @Test
    void servesTheHealthRoutesAndAnOwnRoute() throws Exception {
        // given
        AdminServer admin = AdminServer.builder()
                .port(0)                          // 0 = any free port, see admin.port(); 8081 by default
                .routes(health.adminRoutes())     // GET /health, GET /ready
                .route(AdminRoute.get("/chassis/version", request -> AdminResponse.json(200, Map.of("version", "1.4.2"))))
                .build()
                .start();
        try {
            int port = admin.port();

            // when
            HttpResponse<String> version = get(port, "/chassis/version");
            HttpResponse<String> liveness = get(port, "/health");
            HttpResponse<String> readiness = get(port, "/ready");

            // then
            assertThat(port).isPositive().isNotEqualTo(AdminServer.DEFAULT_PORT);
            assertThat(version.statusCode()).isEqualTo(200);
            assertThat(json(version)).isEqualTo(Map.of("version", "1.4.2"));
            assertThat(liveness.statusCode()).isEqualTo(200);
            assertThat(readiness.statusCode()).isEqualTo(200);
        } finally {
            admin.close();
        }
    }

    @Test
    void modulesContributeTheirRoutes() {
        // given
        CircuitBreakerRegistry breakers = CircuitBreakerRegistry.ofDefaults();
        Config config = Config.builder()
                .env(Map.of())
                .systemProperties(Map.of())
                .declare(ConfigKey.integer("chassis.admin.port", 1, 65535).withDefault(8081))
                .build();

        // when
        AdminServer admin = AdminServer.builder()
                .routes(health.adminRoutes())     // HealthRegistry: GET /health, GET /ready
                .routes(breakers.adminRoutes())   // CircuitBreakerRegistry: GET /chassis/resilience, POST .../{name}/reset
                .route(config.adminRoute())       // Config: GET /chassis/config
                .build();

        // then: built, not started; the built-in listing comes first
        assertThat(admin.routes()).extracting(AdminRoute::method, AdminRoute::pathTemplate).containsExactly(
                tuple("GET", "/chassis"),
                tuple("GET", "/health"),
                tuple("GET", "/ready"),
                tuple("GET", "/chassis/resilience"),
                tuple("POST", "/chassis/resilience/{name}/reset"),
                tuple("GET", "/chassis/config"));
    }
}
