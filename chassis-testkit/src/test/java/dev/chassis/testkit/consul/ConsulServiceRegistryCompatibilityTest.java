package dev.chassis.testkit.consul;

import dev.chassis.discovery.ServiceRegistry;
import dev.chassis.discovery.consul.ConsulServiceRegistry;
import dev.chassis.testkit.discovery.WritableServiceRegistryCompatibilityKit;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;

/**
 * Every promise of the registry API, kept by the Consul registry against the simulator: its view
 * follows the agent through blocking queries, so the kit awaits every expectation.
 */
class ConsulServiceRegistryCompatibilityTest extends WritableServiceRegistryCompatibilityKit {
    private final ConsulSimulator consul = ConsulSimulator.start();

    @Override
    protected ServiceRegistry createRegistry() {
        return ConsulServiceRegistry.builder().agent(consul.uri()).blockingWait(Duration.ofSeconds(2)).build();
    }

    @AfterEach
    void stopAgent() {
        consul.close();
    }
}
