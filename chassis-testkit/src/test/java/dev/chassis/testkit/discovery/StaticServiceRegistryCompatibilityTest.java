package dev.chassis.testkit.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chassis.discovery.HealthCheckSpec;
import dev.chassis.discovery.Registration;
import dev.chassis.discovery.ServiceInstance;
import dev.chassis.discovery.ServiceRegistry;
import dev.chassis.discovery.StaticServiceRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The static registry, read-only, keeps every promise of the kit and refuses registrations. */
class StaticServiceRegistryCompatibilityTest extends ServiceRegistryCompatibilityKit {
    @Override
    protected ServiceRegistry createRegistry() {
        return createRegistry(List.of());
    }

    @Override
    protected ServiceRegistry createRegistry(List<ServiceInstance> instances) {
        StaticServiceRegistry.Builder builder = StaticServiceRegistry.builder();
        instances.forEach(builder::addInstance);
        return builder.build();
    }

    @Test
    void aReadOnlyRegistryRefusesRegistrationSayingWhy() throws Exception {
        // given
        ServiceInstance instance = instance("orders", "1", 8080);
        ServiceRegistry registry = seeded(List.of(instance));

        // when / then
        assertThatThrownBy(() -> registry.register(new Registration(instance("orders", "2", 8081),
                HealthCheckSpec.none()))).isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("read-only");
        assertThatThrownBy(() -> registry.deregister(instance.id())).isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("read-only");
        assertThat(registry.healthyInstances(service("orders"))).containsExactly(instance);
    }
}
