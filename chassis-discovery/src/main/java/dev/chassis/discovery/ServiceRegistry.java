package dev.chassis.discovery;

import dev.chassis.core.lifecycle.LifecycleAction;
import java.time.Duration;
import java.util.List;

/**
 * Where services register their instances and find each other's. Implementations: Consul, static
 * (configuration and DNS) and in-memory; every one runs the testkit's
 * {@code ServiceRegistryCompatibilityKit}. Thread-safe.
 */
public interface ServiceRegistry extends AutoCloseable {
    /**
     * Registers an instance, or replaces its registration. Registries with a remote agent keep the
     * registration in place (re-registering after an agent restart) until {@link #deregister(String)}.
     *
     * @param registration the instance and its check
     * @throws UnsupportedOperationException if the registry is read-only (static)
     * @throws dev.chassis.core.ChassisException if the registry could not be reached (retryable)
     */
    void register(Registration registration);

    /**
     * Removes an instance this registry registered. Unknown ids are ignored.
     *
     * @param instanceId the instance id
     * @throws UnsupportedOperationException if the registry is read-only (static)
     */
    void deregister(String instanceId);

    /**
     * The healthy instances of a service. Registries that cache serve this from memory, keeping the
     * last known good view while their source is unreachable.
     *
     * @param service the service name
     * @return the instances, possibly empty, in a stable order (by id)
     */
    List<ServiceInstance> healthyInstances(String service);

    /**
     * Watches a service's healthy instances.
     *
     * @param service the service name
     * @param listener told of the current view at once and of every change
     * @return the watch, to close
     */
    Watch watch(String service, InstancesListener listener);

    /**
     * The shutdown step for {@link dev.chassis.core.lifecycle.ShutdownPhase#DEREGISTER}: removes the
     * instance, then waits {@code propagationDelay} so that callers' caches and watches drop it
     * before consumers stop and requests drain. Registries with an agent may offer a step of their
     * own that also bounds the deregistration's time (Consul's {@code deregistration()}).
     *
     * @param instanceId the instance this process registered
     * @param propagationDelay how long callers need to see the change, e.g. 1 to 2 s; zero for none
     * @return the step
     */
    default LifecycleAction deregistration(String instanceId, Duration propagationDelay) {
        java.util.Objects.requireNonNull(instanceId, "instanceId");
        if (propagationDelay.isNegative()) {
            throw new IllegalArgumentException("propagationDelay must not be negative, was " + propagationDelay);
        }
        return () -> {
            deregister(instanceId);
            Thread.sleep(propagationDelay.toMillis());
        };
    }

    /** Stops background work (watches, heartbeats); does not deregister. Idempotent. */
    @Override
    void close();
}
