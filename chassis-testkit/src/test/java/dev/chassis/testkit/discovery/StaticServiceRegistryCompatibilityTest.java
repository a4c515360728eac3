package dev.chassis.testkit.discovery;

import dev.chassis.discovery.ServiceInstance;
import dev.chassis.discovery.ServiceRegistry;
import dev.chassis.discovery.StaticServiceRegistry;
import java.util.List;

/** The static registry, read-only, keeps every promise of the kit that does not need registration. */
class StaticServiceRegistryCompatibilityTest extends ServiceRegistryCompatibilityKit {
    @Override
    protected boolean supportsRegistration() {
        return false;
    }

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
}
