package dev.chassis.discovery.balancer;

import dev.chassis.discovery.ServiceInstance;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wraps a balancer with passive outlier ejection (see {@link OutlierEjection}). The common path —
 * no candidate ejected — allocates nothing and hands the candidates to the delegate unchanged.
 */
final class EjectingBalancer implements LoadBalancer {
    private static final Logger LOG = LoggerFactory.getLogger(OutlierEjection.class);

    private final LoadBalancer delegate;
    private final OutlierEjection config;
    private final ConcurrentMap<String, Health> health = new ConcurrentHashMap<>();

    EjectingBalancer(LoadBalancer delegate, OutlierEjection config) {
        this.delegate = delegate;
        this.config = config;
    }

    @Override
    public ServiceInstance choose(String service, List<ServiceInstance> candidates) {
        List<ServiceInstance> admitted = null;
        long now = -1;
        for (int i = 0; i < candidates.size(); i++) {
            ServiceInstance c = candidates.get(i);
            Health h = health.get(c.id());
            if (h == null || !h.ejected) {
                if (admitted != null) {
                    admitted.add(c);
                }
                continue;
            }
            if (now < 0) {
                now = config.clock().millis();
            }
            if (h.tryStartProbe(now, config.maxEjectionTime().toMillis())) {
                return c;
            }
            if (admitted == null) {
                admitted = new ArrayList<>(candidates.subList(0, i));
            }
        }
        if (admitted == null || admitted.isEmpty()) {
            // nothing ejected, or everything: then choose among all rather than fail
            return delegate.choose(service, candidates);
        }
        return delegate.choose(service, admitted);
    }

    @Override
    public void onStart(ServiceInstance instance) {
        delegate.onStart(instance);
    }

    @Override
    public void onComplete(ServiceInstance instance, CallOutcome outcome, Duration latency) {
        delegate.onComplete(instance, outcome, latency);
        Health h = health.get(instance.id());
        if (outcome == CallOutcome.CANCELLED) {
            if (h != null) {
                synchronized (h.lock) {
                    h.probing = false; // a probe that was called off frees the slot for the next one
                }
            }
            return;
        }
        if (h == null) {
            if (!outcome.isFailure()) {
                return;
            }
            h = health.computeIfAbsent(instance.id(), id -> new Health());
        }
        long now = config.clock().millis();
        Duration ejectedFor = null;
        int ejections;
        boolean readmitted = false;
        synchronized (h.lock) {
            if (!outcome.isFailure()) {
                h.consecutiveFailures = 0;
                if (h.ejected && h.probing) {
                    h.ejected = false;
                    h.probing = false;
                    h.admittedAt = now;
                    readmitted = true;
                }
            } else {
                h.consecutiveFailures++;
                boolean failedProbe = h.ejected && h.probing;
                boolean tooMany = !h.ejected && h.consecutiveFailures >= config.consecutiveFailures();
                if (failedProbe || tooMany) {
                    if (tooMany && now - h.admittedAt >= config.maxEjectionTime().toMillis()) {
                        h.ejections = 0;
                    }
                    h.ejections++;
                    ejectedFor = backoff(h.ejections);
                    h.ejected = true;
                    h.probing = false;
                    h.ejectedUntil = now + ejectedFor.toMillis();
                }
            }
            ejections = h.ejections;
        }
        if (ejectedFor != null) {
            LOG.warn("instance '{}' of '{}' ejected for {} after {} ({} ejection(s) in a row)", instance.id(),
                    instance.service(), ejectedFor, outcome, ejections);
            notifyEjected(instance, ejectedFor, ejections);
        } else if (readmitted) {
            LOG.info("instance '{}' of '{}' passed its probe and is re-admitted", instance.id(), instance.service());
            try {
                config.listener().onReadmitted(instance);
            } catch (RuntimeException ignored) {
                // a listener must not disturb the calls
            }
        }
    }

    private void notifyEjected(ServiceInstance instance, Duration duration, int ejections) {
        try {
            config.listener().onEjected(instance, duration, ejections);
        } catch (RuntimeException ignored) {
            // a listener must not disturb the calls
        }
    }

    private Duration backoff(int ejections) {
        Duration d = config.baseEjectionTime();
        for (int i = 1; i < ejections && d.compareTo(config.maxEjectionTime()) < 0; i++) {
            d = d.multipliedBy(2);
        }
        return d.compareTo(config.maxEjectionTime()) > 0 ? config.maxEjectionTime() : d;
    }

    @Override
    public String toString() {
        return delegate + " with " + config;
    }

    /** One instance's ejection state; fields are guarded by {@link #lock}, {@link #ejected} also read without. */
    private static final class Health {
        final Object lock = new Object();
        volatile boolean ejected;
        boolean probing;
        long probeStartedAt;
        long ejectedUntil;
        long admittedAt;
        int consecutiveFailures;
        int ejections;

        /** Claims the single probe once the ejection time is over (again if a probe got no answer in time). */
        boolean tryStartProbe(long now, long staleProbeMillis) {
            synchronized (lock) {
                if (!ejected || now < ejectedUntil || (probing && now - probeStartedAt < staleProbeMillis)) {
                    return false;
                }
                probing = true;
                probeStartedAt = now;
                return true;
            }
        }
    }
}
