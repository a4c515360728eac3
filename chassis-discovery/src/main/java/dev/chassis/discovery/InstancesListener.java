package dev.chassis.discovery;

import java.util.List;

/** Told when the healthy instances of a watched service change. */
@FunctionalInterface
public interface InstancesListener {
    /**
     * The healthy instances changed. Called once with the current view when the watch starts, then
     * after every change; never concurrently for one watch. Must not block.
     *
     * @param service the service name
     * @param healthy the healthy instances now, possibly empty
     */
    void changed(String service, List<ServiceInstance> healthy);
}
