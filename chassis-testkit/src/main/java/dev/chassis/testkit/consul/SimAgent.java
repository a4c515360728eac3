package dev.chassis.testkit.consul;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * The simulated agent's catalog: services, checks and the Raft index, guarded by one lock. Every
 * change raises the index and wakes blocked queries. Thread-safe.
 */
final class SimAgent {
    static final String NODE = "consul-simulator";
    static final String NODE_ADDRESS = "127.0.0.1";

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Clock clock;
    private final CheckStatus httpInitialStatus;
    private final Map<String, SimulatedService> services = new LinkedHashMap<>();
    private final Map<String, SimCheck> checks = new LinkedHashMap<>();
    private long index = 1;

    /** One check; mutable, only touched under the lock. */
    private static final class SimCheck {
        final String id;
        final String serviceId;
        final Duration ttl;
        final Duration deregisterAfter;
        CheckStatus status;
        Instant lastUpdate;
        @Nullable Instant criticalSince;
        String output = "";

        SimCheck(String id, String serviceId, Duration ttl, Duration deregisterAfter, CheckStatus status, Instant now) {
            this.id = id;
            this.serviceId = serviceId;
            this.ttl = ttl;
            this.deregisterAfter = deregisterAfter;
            this.status = status;
            this.lastUpdate = now;
            this.criticalSince = status == CheckStatus.CRITICAL ? now : null;
        }

        void set(CheckStatus s, Instant now) {
            if (s == CheckStatus.CRITICAL && status != CheckStatus.CRITICAL) {
                criticalSince = now;
            } else if (s != CheckStatus.CRITICAL) {
                criticalSince = null;
            }
            status = s;
        }
    }

    SimAgent(Clock clock, CheckStatus httpInitialStatus) {
        this.clock = clock;
        this.httpInitialStatus = httpInitialStatus;
    }

    /** Registers or replaces a service; returns an error text for a 400, or null. */
    @SuppressWarnings("unchecked")
    @Nullable String register(Map<String, Object> body) {
        Object nameValue = body.get("Name");
        if (!(nameValue instanceof String) || ((String) nameValue).isBlank()) {
            return "Missing service name";
        }
        String name = (String) nameValue;
        String id = body.get("ID") instanceof String && !((String) body.get("ID")).isBlank() ? (String) body.get("ID") : name;
        List<Map<String, Object>> checkDefs = new ArrayList<>();
        if (body.get("Check") instanceof Map) {
            checkDefs.add((Map<String, Object>) body.get("Check"));
        }
        if (body.get("Checks") instanceof List) {
            for (Object o : (List<Object>) body.get("Checks")) {
                if (o instanceof Map) {
                    checkDefs.add((Map<String, Object>) o);
                }
            }
        }
        lock.lock();
        try {
            Instant now = clock.instant();
            List<String> checkIds = new ArrayList<>();
            Map<String, SimCheck> newChecks = new LinkedHashMap<>();
            for (int i = 0; i < checkDefs.size(); i++) {
                Map<String, Object> def = checkDefs.get(i);
                String checkId = text(def.get("CheckID"));
                if (checkId.isEmpty()) {
                    checkId = checkDefs.size() == 1 ? "service:" + id : "service:" + id + ":" + (i + 1);
                }
                Duration ttl = GoDuration.parse(text(def.get("TTL")));
                if (ttl.isZero() && text(def.get("HTTP")).isEmpty()) {
                    return "Invalid check: TTL or HTTP must be set for check " + checkId;
                }
                Duration deregisterAfter = GoDuration.parse(text(def.get("DeregisterCriticalServiceAfter")));
                SimCheck old = checks.get(checkId);
                CheckStatus status;
                if (!text(def.get("Status")).isEmpty()) {
                    status = CheckStatus.fromJson(text(def.get("Status")));
                } else if (old != null) {
                    status = old.status;
                } else {
                    status = ttl.isZero() ? httpInitialStatus : CheckStatus.CRITICAL;
                }
                newChecks.put(checkId, new SimCheck(checkId, id, ttl, deregisterAfter, status, now));
                checkIds.add(checkId);
            }
            removeService(id);
            services.put(id, new SimulatedService(id, name, text(body.get("Address")),
                    body.get("Port") instanceof Number ? ((Number) body.get("Port")).intValue() : 0,
                    body.get("Tags") instanceof List ? (List<String>) body.get("Tags") : List.of(),
                    body.get("Meta") instanceof Map ? (Map<String, String>) body.get("Meta") : Map.of(), checkIds));
            checks.putAll(newChecks);
            bump();
            return null;
        } finally {
            lock.unlock();
        }
    }

    boolean deregister(String serviceId) {
        lock.lock();
        try {
            if (!services.containsKey(serviceId)) {
                return false;
            }
            removeService(serviceId);
            bump();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** A TTL update: 200, 404 for an unknown check, 500 for a check without TTL. */
    int updateTtl(String checkId, CheckStatus status, String output) {
        lock.lock();
        try {
            SimCheck c = checks.get(checkId);
            if (c == null) {
                return 404;
            }
            if (c.ttl.isZero()) {
                return 500;
            }
            Instant now = clock.instant();
            c.lastUpdate = now;
            c.output = output;
            if (c.status != status) {
                c.set(status, now);
                bump();
            }
            return 200;
        } finally {
            lock.unlock();
        }
    }

    void setStatus(String checkId, CheckStatus status) {
        lock.lock();
        try {
            SimCheck c = checks.get(checkId);
            if (c == null) {
                throw new IllegalArgumentException("no check '" + checkId + "'; checks are " + checks.keySet());
            }
            if (c.status != status) {
                c.set(status, clock.instant());
                bump();
            }
        } finally {
            lock.unlock();
        }
    }

    void setServiceStatus(String serviceId, CheckStatus status) {
        lock.lock();
        try {
            SimulatedService s = services.get(serviceId);
            if (s == null) {
                throw new IllegalArgumentException("no service '" + serviceId + "'; services are " + services.keySet());
            }
            for (String checkId : s.checkIds()) {
                setStatus(checkId, status);
            }
        } finally {
            lock.unlock();
        }
    }

    @Nullable CheckStatus status(String checkId) {
        lock.lock();
        try {
            SimCheck c = checks.get(checkId);
            return c == null ? null : c.status;
        } finally {
            lock.unlock();
        }
    }

    void forgetAll() {
        lock.lock();
        try {
            services.clear();
            checks.clear();
            bump();
        } finally {
            lock.unlock();
        }
    }

    /** Expires TTLs and reaps services critical for longer than their deregistration delay. */
    void sweep() {
        lock.lock();
        try {
            Instant now = clock.instant();
            boolean any = false;
            for (SimCheck c : checks.values()) {
                Instant deadline = c.lastUpdate.plus(c.ttl);
                if (!c.ttl.isZero() && c.status != CheckStatus.CRITICAL && now.isAfter(deadline)) {
                    c.set(CheckStatus.CRITICAL, deadline);
                    c.output = "TTL expired";
                    any = true;
                }
            }
            List<String> reap = new ArrayList<>();
            for (SimCheck c : checks.values()) {
                if (c.criticalSince != null && !c.deregisterAfter.isZero()
                        && !now.isBefore(c.criticalSince.plus(c.deregisterAfter))) {
                    reap.add(c.serviceId);
                }
            }
            for (String serviceId : reap) {
                removeService(serviceId);
                any = true;
            }
            if (any) {
                bump();
            }
        } finally {
            lock.unlock();
        }
    }

    Map<String, SimulatedService> services() {
        lock.lock();
        try {
            return Map.copyOf(services);
        } finally {
            lock.unlock();
        }
    }

    /** The entries of {@code /v1/health/service/{name}}, in registration order. */
    List<Map<String, Object>> health(String name, boolean passingOnly) {
        lock.lock();
        try {
            List<Map<String, Object>> out = new ArrayList<>();
            for (SimulatedService s : services.values()) {
                if (!s.name().equals(name)) {
                    continue;
                }
                List<Map<String, Object>> checkJson = new ArrayList<>();
                boolean passing = true;
                for (String checkId : s.checkIds()) {
                    SimCheck c = checks.get(checkId);
                    passing &= c.status == CheckStatus.PASSING;
                    checkJson.add(Map.of("Node", NODE, "CheckID", c.id, "Name", "Service '" + name + "' check",
                            "Status", c.status.json(), "Output", c.output, "ServiceID", s.id(), "ServiceName", name));
                }
                if (passingOnly && !passing) {
                    continue;
                }
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("Node", Map.of("Node", NODE, "Address", NODE_ADDRESS, "Datacenter", "dc1"));
                entry.put("Service", serviceJson(s));
                entry.put("Checks", checkJson);
                out.add(entry);
            }
            return out;
        } finally {
            lock.unlock();
        }
    }

    static Map<String, Object> serviceJson(SimulatedService s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ID", s.id());
        m.put("Service", s.name());
        m.put("Tags", s.tags());
        m.put("Meta", s.meta());
        m.put("Address", s.address());
        m.put("Port", s.port());
        return m;
    }

    long index() {
        lock.lock();
        try {
            return index;
        } finally {
            lock.unlock();
        }
    }

    void setIndex(long value) {
        lock.lock();
        try {
            index = value;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Waits until the index differs from {@code seen} or the wait is over; returns the index then. */
    long awaitChange(long seen, Duration wait) throws InterruptedException {
        lock.lock();
        try {
            long nanos = wait.toNanos();
            while (index == seen && nanos > 0) {
                nanos = changed.awaitNanos(nanos);
            }
            return index;
        } finally {
            lock.unlock();
        }
    }

    /** Wakes every blocked query, e.g. on close. */
    void wakeAll() {
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void removeService(String serviceId) {
        SimulatedService old = services.remove(serviceId);
        if (old != null) {
            old.checkIds().forEach(checks::remove);
        }
    }

    private void bump() {
        index++;
        changed.signalAll();
    }

    private static String text(@Nullable Object o) {
        return o == null ? "" : o.toString();
    }
}
