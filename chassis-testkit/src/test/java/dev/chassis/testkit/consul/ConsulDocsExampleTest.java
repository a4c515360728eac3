package dev.chassis.testkit.consul;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.chassis.core.config.Config;
import dev.chassis.core.health.HealthCheck;
import dev.chassis.core.health.HealthRegistry;
import dev.chassis.core.health.HealthResult;
import dev.chassis.core.lifecycle.Lifecycle;
import dev.chassis.core.lifecycle.ShutdownPhase;
import dev.chassis.discovery.HealthCheckSpec;
import dev.chassis.discovery.Registration;
import dev.chassis.discovery.ServiceInstance;
import dev.chassis.discovery.consul.ConsulConfig;
import dev.chassis.discovery.consul.ConsulServiceRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Runs the samples of the Consul sections of docs/discovery.md. */
class ConsulDocsExampleTest {
    @Test
    void registersWithConsulAndDeregistersOnShutdown() {
        try (ConsulSimulator simulator = ConsulSimulator.start();
                HealthRegistry health = HealthRegistry.builder()
                        .check(HealthCheck.readiness("self", HealthResult::up)).build()) {
            // given
            URI consulAddress = simulator.uri();
            Lifecycle lifecycle = Lifecycle.ofDefaults();

            // when
            ConsulServiceRegistry consul = ConsulServiceRegistry.builder()
                    .agent(consulAddress)
                    .token(System.getenv("CONSUL_HTTP_TOKEN"))
                    .health(health)                      // TTL heartbeats follow /ready
                    .build();
            consul.register(new Registration(
                    ServiceInstance.of("order-service", "order-service-1", "10.0.0.7", 8080),
                    HealthCheckSpec.ttl(Duration.ofSeconds(15))));
            lifecycle.onShutdown(ShutdownPhase.READINESS_DOWN, "readiness", health::markShuttingDown);
            lifecycle.onShutdown(ShutdownPhase.DEREGISTER, "consul", consul.deregistration());
            lifecycle.onShutdown(ShutdownPhase.CLOSE, "consul", consul::close);

            // then
            assertThat(consul.healthyInstances("order-service")).extracting(ServiceInstance::host).containsExactly("10.0.0.7");
            lifecycle.start();
            lifecycle.shutdown();
            assertThat(simulator.services()).isEmpty();
        }
    }

    @Test
    void configurationHasDefaultsForEverySetting() {
        Assumptions.assumeTrue(System.getenv().keySet().stream().noneMatch(k -> k.startsWith("CHASSIS_")));
        // when
        Config config = Config.builder().declare(ConsulConfig.KEYS).build();
        ConsulServiceRegistry consul = ConsulServiceRegistry.builder().config(config).build();

        // then
        assertThat(config.get(ConsulConfig.AGENT)).isEqualTo(URI.create("http://127.0.0.1:8500"));
        assertThat(config.find(ConsulConfig.TOKEN)).isEmpty();
        assertThat(consul.toString()).contains("http://127.0.0.1:8500");
        consul.close();
    }

    @Test
    void readsItsSettingsFromConfiguration() {
        try (ConsulSimulator simulator = ConsulSimulator.builder().aclToken("s3cret").start()) {
            // given
            Map<String, String> env = Map.of("CHASSIS_DISCOVERY_CONSUL_AGENT", simulator.uri().toString(),
                    "CHASSIS_DISCOVERY_CONSUL_TOKEN", "s3cret", "CHASSIS_DISCOVERY_CONSUL_READ_TIMEOUT", "3s");

            // when
            Config config = Config.builder().env(env).systemProperties(Map.of()).declare(ConsulConfig.KEYS).build();
            try (ConsulServiceRegistry consul = ConsulServiceRegistry.builder().config(config).build()) {
                consul.register(new Registration(ServiceInstance.of("orders", "orders-1", "127.0.0.1", 8080),
                        HealthCheckSpec.ttl(Duration.ofSeconds(10))));
            }

            // then
            assertThat(simulator.services()).containsKey("orders-1");
            assertThat(config.toString()).doesNotContain("s3cret");
        }
    }

    @Test
    void theSimulatorShowsSelfRepairAndTtlExpiry() {
        try (ConsulSimulator consul = ConsulSimulator.start();
                ConsulServiceRegistry registry = ConsulServiceRegistry.builder().agent(consul.uri()).build()) {
            registry.register(new Registration(ServiceInstance.of("orders", "orders-1", "127.0.0.1", 8080),
                    HealthCheckSpec.ttl(Duration.ofSeconds(3))));

            consul.forgetAll();                                  // the agent restarts with its data wiped
            await().atMost(Duration.ofSeconds(3))                // re-registered at the next heartbeat
                    .until(() -> consul.checkStatus("service:orders-1").orElse(null) == CheckStatus.PASSING);

            consul.fault("/v1/agent/check/", Fault.ERROR_500);  // heartbeats are lost...
            consul.advance(Duration.ofSeconds(4));               // ...the TTL expires...
            assertThat(consul.checkStatus("service:orders-1")).contains(CheckStatus.CRITICAL);
            consul.advance(Duration.ofMinutes(1));               // ...and the agent reaps the instance
            assertThat(consul.services()).isEmpty();

            consul.heal();                                       // heartbeats resume: 404, so it registers again
            await().atMost(Duration.ofSeconds(3)).until(() -> consul.services().containsKey("orders-1"));
            assertThat(consul.requestCounts()).containsKeys("PUT /v1/agent/service/register", "PUT /v1/agent/check/update");
        }
    }
}
