package dev.chassis.discovery.balancer;

import dev.chassis.discovery.ServiceInstance;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;

/** One counter per service; the counter wraps harmlessly because {@code floorMod} is used. */
final class RoundRobinBalancer implements LoadBalancer {
    private final ConcurrentMap<String, AtomicInteger> counters = new ConcurrentHashMap<>();

    @Override
    public ServiceInstance choose(String service, List<ServiceInstance> candidates) {
        int size = candidates.size();
        if (size == 1) {
            return candidates.get(0);
        }
        AtomicInteger counter = counters.get(service);
        if (counter == null) {
            counter = counters.computeIfAbsent(service, s -> new AtomicInteger());
        }
        return candidates.get(Math.floorMod(counter.getAndIncrement(), size));
    }

    @Override
    public String toString() {
        return "RoundRobin";
    }
}
