package dev.chassis.examples.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chassis.core.lifecycle.Lifecycle;
import dev.chassis.core.lifecycle.LifecycleComponent;
import dev.chassis.core.lifecycle.ShutdownPhase;
import dev.chassis.discovery.InMemoryServiceRegistry;
import io.opentelemetry.api.OpenTelemetry;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Runs the code samples of docs/gateway.md; keep both in step. */
class GatewayDocsTest {
    @Test
    void inProcess() throws IOException {
        InMemoryServiceRegistry registry = InMemoryServiceRegistry.create();
        ApiGateway gateway = ApiGateway.start(registry, 0);   // 0 = any free port
        URI base = gateway.uri();                              // http://127.0.0.1:<port>
        gateway.close();

        assertThat(base.getScheme() + "://" + base.getHost()).isEqualTo("http://127.0.0.1");
        assertThat(base.getPort()).isPositive();
        try (ApiGateway again = ApiGateway.start(registry, 0)) {
            assertThat(RawHttp.get(again.port(), "/api/users/1").body())
                    .isEqualTo("{\"error\":\"Service temporarily unavailable\"}");
        }
        registry.close();
    }

    @Test
    void withLifecycle() throws IOException {
        InMemoryServiceRegistry registry = InMemoryServiceRegistry.create();
        Lifecycle lifecycle = Lifecycle.ofDefaults();
        int port = 0;

        ApiGateway gateway = ApiGateway.builder(registry)
                .port(port)                                    // 8080 by default; 0 for any free port
                .routes(Route.parse("/api/users=user-service/users,/api/orders=order-service/orders"))
                .upstreamTimeout(Duration.ofSeconds(5))
                .maxRequestBodySize(256 * 1024)
                .openTelemetry(OpenTelemetry.noop())           // telemetry.openTelemetry() in a service
                .build();
        lifecycle.add(LifecycleComponent.of("gateway", gateway::start, gateway::close));
        lifecycle.onShutdown(ShutdownPhase.READINESS_DOWN, "readiness", gateway.health()::markShuttingDown);

        lifecycle.start();
        assertThat(RawHttp.get(gateway.port(), "/ready").status()).isEqualTo(200);
        lifecycle.shutdown();
        assertThat(gateway.health().isShuttingDown()).isTrue();
        registry.close();
    }
}
