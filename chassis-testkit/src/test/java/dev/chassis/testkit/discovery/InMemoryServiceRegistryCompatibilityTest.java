package dev.chassis.testkit.discovery;

import dev.chassis.discovery.InMemoryServiceRegistry;
import dev.chassis.discovery.ServiceRegistry;

/** The in-memory registry keeps every promise of the kit. */
class InMemoryServiceRegistryCompatibilityTest extends WritableServiceRegistryCompatibilityKit {
    @Override
    protected ServiceRegistry createRegistry() {
        return InMemoryServiceRegistry.create();
    }
}
