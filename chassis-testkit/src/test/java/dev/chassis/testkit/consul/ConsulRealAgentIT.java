package dev.chassis.testkit.consul;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.chassis.discovery.HealthCheckSpec;
import dev.chassis.discovery.Registration;
import dev.chassis.discovery.ServiceInstance;
import dev.chassis.discovery.consul.ConsulServiceRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/** The registry against a real agent at {@code CONSUL_HTTP_ADDR} (with {@code CONSUL_HTTP_TOKEN} if set). */
@EnabledIfEnvironmentVariable(named = "CONSUL_HTTP_ADDR", matches = ".+")
class ConsulRealAgentIT {
    private static URI agent() {
        String addr = System.getenv("CONSUL_HTTP_ADDR");
        return URI.create(addr.contains("://") ? addr : "http://" + addr);
    }

    @Test
    void registersFindsReRegistersAndDeregistersWithARealAgent() throws Exception {
        // given
        String service = "chassis-it-" + UUID.randomUUID().toString().substring(0, 8);
        try (ConsulServiceRegistry registry = ConsulServiceRegistry.builder().agent(agent())
                .token(System.getenv("CONSUL_HTTP_TOKEN")).blockingWait(Duration.ofSeconds(2))
                .propagationDelay(Duration.ZERO).build()) {
            // when
            registry.register(new Registration(ServiceInstance.of(service, service + "-1", "127.0.0.1", 8080),
                    HealthCheckSpec.ttl(Duration.ofSeconds(3))));

            // then
            await().atMost(Duration.ofSeconds(10)).until(() -> registry.healthyInstances(service).size() == 1);
            registry.deregister(service + "-1");
            await().atMost(Duration.ofSeconds(10)).until(() -> registry.healthyInstances(service).isEmpty());
            assertThat(registry.healthyInstances(service)).isEmpty();
        }
    }
}
