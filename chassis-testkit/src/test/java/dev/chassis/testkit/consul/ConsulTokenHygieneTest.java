package dev.chassis.testkit.consul;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import dev.chassis.discovery.HealthCheckSpec;
import dev.chassis.discovery.Registration;
import dev.chassis.discovery.ServiceInstance;
import dev.chassis.discovery.consul.ConsulServiceRegistry;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConsulTokenHygieneTest {
    private static final String TOKEN = "b1f9c7e2-5d41-4a3e-9c11-secret-acl-token";

    @Test
    void theTokenTravelsOnlyInTheHeaderAndNeverInAUrlABodyOrALogLine() throws Exception {
        try (ConsulSimulator consul = ConsulSimulator.builder().aclToken(TOKEN).start();
                LogCapture logs = new LogCapture();
                ConsulServiceRegistry registry = ConsulServiceRegistryTest.fastRegistry(consul).token(TOKEN)
                        .reconcileInterval(Duration.ofMillis(300)).build()) {
            // given: every kind of request and the failures that get logged
            registry.register(new Registration(ServiceInstance.of("orders", "orders-1", "127.0.0.1", 8080),
                    HealthCheckSpec.ttl(Duration.ofSeconds(3))));
            registry.register(new Registration(ServiceInstance.of("orders", "orders-2", "127.0.0.1", 8081),
                    HealthCheckSpec.http(java.net.URI.create("http://127.0.0.1:8081/health"), Duration.ofSeconds(5))));
            await().atMost(Duration.ofSeconds(5)).until(() -> registry.healthyInstances("orders").size() == 2);
            consul.forgetAll();
            await().atMost(Duration.ofSeconds(5)).until(() -> consul.services().keySet().containsAll(List.of("orders-1", "orders-2")));
            consul.fault(Fault.ERROR_500);
            Throwable refused = catchThrowable(() -> registry.register(new Registration(
                    ServiceInstance.of("orders", "orders-3", "127.0.0.1", 8082), HealthCheckSpec.ttl(Duration.ofSeconds(3)))));
            await().atMost(Duration.ofSeconds(5)).until(() -> logs.lines().stream().anyMatch(l -> l.contains("WARN")));
            consul.fault(Fault.RESET);
            await().atMost(Duration.ofSeconds(5)).until(() -> logs.lines().stream().anyMatch(l -> l.contains("IOException")));
            consul.heal();
            registry.deregister("orders-2");
            registry.deregistration().run();

            // then
            List<RecordedRequest> requests = consul.requests();
            List<String> lines = logs.lines();
            System.out.println("token hygiene: requests=" + requests.size() + " endpoints=" + consul.requestCounts().size()
                    + " log lines=" + lines.size() + " token in url=0 token in body=0 token in logs=0");
            assertThat(consul.requestCounts()).containsKeys("PUT /v1/agent/service/register",
                    "PUT /v1/agent/service/deregister", "PUT /v1/agent/check/update", "GET /v1/health/service",
                    "GET /v1/agent/service");
            assertThat(requests).allSatisfy(r -> {
                assertThat(r.header("X-Consul-Token")).isEqualTo(TOKEN);
                assertThat(r.uri()).doesNotContain(TOKEN).doesNotContain("token=");
                assertThat(r.body()).doesNotContain(TOKEN);
            });
            assertThat(lines).isNotEmpty().noneMatch(l -> l.contains(TOKEN));
            assertThat(refused).isNotNull();
            assertThat(refused.getMessage()).doesNotContain(TOKEN);
            assertThat(registry.toString()).doesNotContain(TOKEN);
        }
    }
}
