package dev.chassis.discovery.consul;

import dev.chassis.core.NonRetryableException;
import dev.chassis.core.RetryableException;
import dev.chassis.discovery.HealthCheckSpec;
import dev.chassis.discovery.Registration;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps every desired registration "registered and passing": sends TTL heartbeats every TTL/3,
 * checks that the agent still knows HTTP-checked services, and re-registers what the agent forgot
 * or never got, backing off while the agent is unreachable. One daemon thread. Thread-safe.
 */
final class Reconciler {
    private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);

    private final ConsulHttp http;
    private final BooleanSupplier health;
    private final Clock clock;
    private final Duration reconcileInterval;
    private final Duration maxRetryBackoff;
    private final ScheduledExecutorService scheduler;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private volatile boolean running = true;

    /** One desired registration; its fields are touched by the reconciler thread and under its own lock. */
    private static final class Entry {
        final Registration registration;
        final Duration period;
        final Object lock = new Object();
        volatile @Nullable ScheduledFuture<?> future;
        boolean registered;
        int failures;
        long nextAttemptNanos;

        Entry(Registration registration, Duration period) {
            this.registration = registration;
            this.period = period;
        }

        String id() {
            return registration.instance().id();
        }
    }

    Reconciler(ConsulHttp http, BooleanSupplier health, Clock clock, Duration reconcileInterval, Duration maxRetryBackoff) {
        this.http = http;
        this.health = health;
        this.clock = clock;
        this.reconcileInterval = reconcileInterval;
        this.maxRetryBackoff = maxRetryBackoff;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "consul-reconciler");
            t.setDaemon(true);
            return t;
        });
    }

    static Duration heartbeatInterval(HealthCheckSpec check, Duration reconcileInterval) {
        return check.kind() == HealthCheckSpec.Kind.TTL ? check.ttl().dividedBy(3) : reconcileInterval;
    }

    /** Registers now and keeps the registration; a retryable failure leaves it to the background. */
    void register(Registration r) {
        Entry e = new Entry(r, heartbeatInterval(r.check(), reconcileInterval));
        Entry old = entries.put(e.id(), e);
        if (old != null) {
            cancel(old);
        }
        synchronized (e.lock) {
            e.future = scheduler.scheduleWithFixedDelay(() -> tick(e), e.period.toMillis(), e.period.toMillis(),
                    TimeUnit.MILLISECONDS);
            try {
                registerNow(e);
            } catch (NonRetryableException ex) {
                entries.remove(e.id(), e);
                cancel(e);
                throw ex;
            } catch (RetryableException ex) {
                failed(e);
                throw ex;
            }
        }
    }

    /** Forgets a registration and removes it from the agent; false if it was unknown. */
    boolean deregister(String instanceId, Duration timeout) throws IOException, InterruptedException {
        Entry e = entries.remove(instanceId);
        if (e == null) {
            return false;
        }
        cancel(e);
        ConsulHttp.Answer a = http.put("/v1/agent/service/deregister/" + ConsulHttp.encode(instanceId), null, timeout);
        if (!a.ok() && a.status() != 404) {
            throw new IOException("agent answered " + a.status() + " to the deregistration of " + instanceId);
        }
        LOG.info("deregistered {} from consul", instanceId);
        return true;
    }

    /** Stops, then deregisters everything within the budget however the agent behaves; logs failures. */
    void deregisterAll(Duration budget) throws InterruptedException {
        stop();
        long deadline = System.nanoTime() + budget.toNanos();
        for (String id : List.copyOf(entries.keySet())) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                LOG.warn("no time left to deregister {} from consul; the agent removes it once critical", id);
                continue;
            }
            try {
                deregister(id, Duration.ofNanos(left));
            } catch (IOException e) {
                LOG.warn("could not deregister {} from consul: {}", id, ConsulHttp.describe(e));
            }
        }
    }

    /** Stops heartbeats and re-registrations; registrations stay with the agent. */
    void stop() {
        running = false;
        entries.values().forEach(Reconciler::cancel);
        scheduler.shutdownNow();
    }

    private void tick(Entry e) {
        synchronized (e.lock) {
            if (!running || entries.get(e.id()) != e || System.nanoTime() - e.nextAttemptNanos < 0) {
                return;
            }
            try {
                if (!e.registered) {
                    int failures = e.failures;
                    registerNow(e);
                    LOG.info("registered {} with consul after {} failed attempts", e.id(), failures);
                } else if (e.registration.check().kind() == HealthCheckSpec.Kind.TTL) {
                    heartbeat(e);
                } else {
                    ConsulHttp.Answer a = http.get("/v1/agent/service/" + ConsulHttp.encode(e.id()));
                    if (a.status() == 404) {
                        LOG.warn("consul agent no longer knows {}, registering it again", e.id());
                        registerNow(e);
                    }
                }
                undoIfDeregisteredMeanwhile(e);
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            } catch (NonRetryableException | RetryableException | IOException ex) {
                failed(e);
                if (e.failures == 1 || e.failures % 10 == 0) {
                    LOG.warn("consul registration of {} not confirmed ({} failures in a row), retrying: {}", e.id(),
                            e.failures, ConsulHttp.describe(ex));
                }
            }
        }
    }

    /** A registration sent while {@link #deregister} ran may reach the agent last: remove it again. */
    private void undoIfDeregisteredMeanwhile(Entry e) throws IOException, InterruptedException {
        if (!entries.containsKey(e.id()) && e.registered) {
            http.put("/v1/agent/service/deregister/" + ConsulHttp.encode(e.id()), null);
        }
    }

    private void heartbeat(Entry e) throws IOException, InterruptedException {
        boolean healthy = healthy();
        String output = (healthy ? "ready at " : "not ready at ") + clock.instant();
        ConsulHttp.Answer a = http.put("/v1/agent/check/update/" + ConsulHttp.encode(ConsulJson.checkId(e.id())),
                ConsulJson.ttlUpdate(healthy, output));
        if (a.ok()) {
            e.failures = 0;
        } else if (forgotten(a)) {
            LOG.warn("consul agent no longer knows the check of {}, registering it again", e.id());
            e.registered = false;
            registerNow(e);
        } else {
            throw new IOException("agent answered " + a.status() + " to the heartbeat");
        }
    }

    private void registerNow(Entry e) {
        String id = e.id();
        ConsulHttp.Answer a;
        try {
            a = http.put("/v1/agent/service/register", ConsulJson.registration(e.registration, healthy()));
        } catch (IOException ex) {
            throw new RetryableException("consul agent " + http.agent() + " unreachable while registering " + id
                    + " (" + ConsulHttp.describe(ex) + "); the registry keeps retrying in the background", ex);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new RetryableException("interrupted while registering " + id + " with consul", ex);
        }
        if (a.status() >= 500) {
            throw new RetryableException("consul agent answered " + a.status() + " while registering " + id
                    + "; the registry keeps retrying in the background");
        }
        if (!a.ok()) {
            throw new NonRetryableException("consul agent rejected the registration of " + id + " with " + a.status()
                    + " (" + a.body().strip() + "); check the registration"
                    + (a.status() == 403 ? " and the ACL token's service:write permission" : ""));
        }
        e.registered = true;
        e.failures = 0;
        e.nextAttemptNanos = System.nanoTime();
    }

    private void failed(Entry e) {
        e.failures++;
        if (!e.registered) {
            long factor = 1L << Math.min(e.failures - 1, 16);
            Duration backoff = e.period.multipliedBy(factor);
            backoff = backoff.compareTo(maxRetryBackoff) > 0 ? maxRetryBackoff : backoff;
            e.nextAttemptNanos = System.nanoTime() + backoff.toNanos() - e.period.toNanos();
        }
    }

    private boolean healthy() {
        try {
            return health.getAsBoolean();
        } catch (RuntimeException ex) {
            LOG.warn("the health supplier failed, reporting critical: {}", ConsulHttp.describe(ex));
            return false;
        }
    }

    private static boolean forgotten(ConsulHttp.Answer a) {
        String body = a.body().toLowerCase(Locale.ROOT);
        // Consul answers 404 for an unknown check; older agents answer 500 with one of these texts
        return a.status() == 404 || a.status() == 500
                && (body.contains("unknown check") || body.contains("does not have associated ttl"));
    }

    private static void cancel(Entry e) {
        // without the entry's lock: a tick stuck on a hanging agent must not delay deregistration
        ScheduledFuture<?> f = e.future;
        if (f != null) {
            f.cancel(false);
        }
    }
}
