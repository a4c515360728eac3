package dev.chassis.discovery;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A registry in memory: the embedded default, and a registry for tests. Every registered instance
 * is healthy unless marked otherwise with {@link #setHealthy(String, boolean)}; checks are not run.
 * Listeners are called on the thread that made the change. Thread-safe.
 */
public final class InMemoryServiceRegistry implements ServiceRegistry {
    private final Map<String, Registration> registrations = new ConcurrentHashMap<>();
    private final Set<String> unhealthy = ConcurrentHashMap.newKeySet();
    private final List<Listening> watches = new CopyOnWriteArrayList<>();
    private final Object notifyLock = new Object();

    /**
     * An empty registry.
     *
     * @return the registry
     */
    public static InMemoryServiceRegistry create() {
        return new InMemoryServiceRegistry();
    }

    private InMemoryServiceRegistry() {
    }

    @Override
    public void register(Registration registration) {
        requireNonNull(registration, "registration");
        synchronized (notifyLock) {
            Registration old = registrations.put(registration.instance().id(), registration);
            notifyChanged(registration.instance().service());
            if (old != null && !old.instance().service().equals(registration.instance().service())) {
                notifyChanged(old.instance().service());
            }
        }
    }

    @Override
    public void deregister(String instanceId) {
        requireNonNull(instanceId, "instanceId");
        synchronized (notifyLock) {
            Registration old = registrations.remove(instanceId);
            unhealthy.remove(instanceId);
            if (old != null) {
                notifyChanged(old.instance().service());
            }
        }
    }

    /**
     * Marks a registered instance healthy or not, as a failing health check would.
     *
     * @param instanceId the instance id
     * @param healthy whether it passes
     * @throws IllegalArgumentException if no such instance is registered
     */
    public void setHealthy(String instanceId, boolean healthy) {
        synchronized (notifyLock) {
            Registration r = registrations.get(requireNonNull(instanceId, "instanceId"));
            if (r == null) {
                throw new IllegalArgumentException("no instance '" + instanceId + "' is registered");
            }
            boolean changed = healthy ? unhealthy.remove(instanceId) : unhealthy.add(instanceId);
            if (changed) {
                notifyChanged(r.instance().service());
            }
        }
    }

    /**
     * The registrations held, e.g. to check a service registered itself with the right check.
     *
     * @return a snapshot, by instance id
     */
    public Map<String, Registration> registrations() {
        return Map.copyOf(registrations);
    }

    @Override
    public List<ServiceInstance> healthyInstances(String service) {
        requireNonNull(service, "service");
        List<ServiceInstance> out = new ArrayList<>();
        for (Registration r : registrations.values()) {
            if (r.instance().service().equals(service) && !unhealthy.contains(r.instance().id())) {
                out.add(r.instance());
            }
        }
        out.sort(Comparator.comparing(ServiceInstance::id));
        return List.copyOf(out);
    }

    @Override
    public Watch watch(String service, InstancesListener listener) {
        requireNonNull(service, "service");
        requireNonNull(listener, "listener");
        Listening l = new Listening(service, listener);
        synchronized (notifyLock) {
            watches.add(l);
            l.offer(healthyInstances(service));
        }
        return () -> watches.remove(l);
    }

    @Override
    public void close() {
        watches.clear();
    }

    private void notifyChanged(String service) {
        List<ServiceInstance> now = null;
        for (Listening l : watches) {
            if (l.service.equals(service)) {
                if (now == null) {
                    now = healthyInstances(service);
                }
                l.offer(now);
            }
        }
    }

    /** One watch; tells its listener only when the view really changed. */
    private static final class Listening {
        private final String service;
        private final InstancesListener listener;
        private Set<ServiceInstance> last = new HashSet<>();
        private boolean started;

        Listening(String service, InstancesListener listener) {
            this.service = service;
            this.listener = listener;
        }

        void offer(List<ServiceInstance> now) {
            Set<ServiceInstance> view = new HashSet<>(now);
            if (started && view.equals(last)) {
                return;
            }
            started = true;
            last = view;
            listener.changed(service, now);
        }
    }
}
