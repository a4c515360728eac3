/**
 * The {@link dev.chassis.testkit.discovery.ServiceRegistryCompatibilityKit}: the promises of
 * {@link dev.chassis.discovery.ServiceRegistry} as one abstract JUnit 5 test class that every
 * registry runs — in-memory, static and Consul — so that a service can swap one for another.
 */
@NullMarked
package dev.chassis.testkit.discovery;

import org.jspecify.annotations.NullMarked;
