package dev.chassis.discovery;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One watch of a {@link StaticServiceRegistry}; tells its listener only when the view really
 * changed. Offered views under the registry's view lock, so calls never overlap.
 */
final class StaticWatch {
    final String service;
    private final InstancesListener listener;
    private Set<ServiceInstance> last = new HashSet<>();
    private boolean started;

    StaticWatch(String service, InstancesListener listener) {
        this.service = service;
        this.listener = listener;
    }

    void offer(List<ServiceInstance> now) {
        Set<ServiceInstance> next = new HashSet<>(now);
        if (started && next.equals(last)) {
            return;
        }
        started = true;
        last = next;
        listener.changed(service, now);
    }
}
