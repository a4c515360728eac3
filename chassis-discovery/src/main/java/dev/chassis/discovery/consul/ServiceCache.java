package dev.chassis.discovery.consul;

import dev.chassis.discovery.InstancesListener;
import dev.chassis.discovery.ServiceInstance;
import dev.chassis.discovery.Watch;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The healthy instances of one service, kept current by a loop of blocking queries on a daemon
 * thread of its own. The view survives agent errors (last known good). Thread-safe.
 */
final class ServiceCache {
    private static final Logger LOG = LoggerFactory.getLogger(ServiceCache.class);

    private final String service;
    private final ConsulHttp http;
    private final QuerySettings settings;
    private final Thread thread;
    private final CountDownLatch firstAttempt = new CountDownLatch(1);
    private final List<Listening> listeners = new CopyOnWriteArrayList<>();
    private final Object notifyLock = new Object();
    private final AtomicLong queries = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private volatile List<ServiceInstance> view = List.of();
    private volatile boolean loaded;
    private volatile boolean running = true;

    /** How the loop queries: wait, pacing, back-off, datacenter. */
    record QuerySettings(Duration blockingWait, Duration minInterval, Duration errorBackoff, Duration maxErrorBackoff,
            Duration readTimeout, @Nullable String datacenter) {
    }

    ServiceCache(String service, ConsulHttp http, QuerySettings settings) {
        this.service = service;
        this.http = http;
        this.settings = settings;
        this.thread = new Thread(this::loop, "consul-watch-" + service);
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** The current view; waits up to {@code timeout} for the first answer of a new cache. */
    List<ServiceInstance> instances(Duration timeout) {
        if (!loaded) {
            try {
                firstAttempt.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return view;
    }

    Watch watch(InstancesListener listener) {
        Listening l = new Listening(listener);
        synchronized (notifyLock) {
            listeners.add(l);
            if (loaded) {
                l.offer(service, view);
            }
        }
        return () -> listeners.remove(l);
    }

    long queries() {
        return queries.get();
    }

    void close() {
        running = false;
        thread.interrupt();
    }

    private void loop() {
        long index = 0;
        int errors = 0;
        long lastStart = 0;
        while (running) {
            try {
                long pause = errors == 0 ? settings.minInterval().toNanos() - (System.nanoTime() - lastStart)
                        : backoff(errors).toNanos();
                if (lastStart != 0 && pause > 0) {
                    TimeUnit.NANOSECONDS.sleep(pause);
                }
                lastStart = System.nanoTime();
                queries.incrementAndGet();
                ConsulHttp.Answer a = http.get(path(index), timeoutFor(index));
                if (!a.ok()) {
                    throw new IllegalStateException("agent answered " + a.status() + " " + abbreviate(a.body()));
                }
                List<ServiceInstance> now = ConsulJson.instances(service, a.body());
                // Consul's rules: an index that is absent, 0 or lower than before means start again from 0
                index = a.index() <= 0 || a.index() < index ? 0 : a.index();
                if (errors > 0) {
                    LOG.info("consul watch of {} recovered after {} failed queries", service, errors);
                }
                errors = 0;
                publish(now);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                errors++;
                failures.incrementAndGet();
                if (errors == 1 || errors % 10 == 0) {
                    LOG.warn("consul watch of {} failed ({} in a row), keeping the last known {} instances: {}",
                            service, errors, view.size(), ConsulHttp.describe(e));
                }
                firstAttempt.countDown();
            }
        }
    }

    private Duration timeoutFor(long index) {
        // a blocking query may take wait + wait/16 (Consul's jitter) before the agent answers
        return index == 0 ? settings.readTimeout()
                : settings.blockingWait().plus(settings.blockingWait().dividedBy(16)).plus(settings.readTimeout());
    }

    private String path(long index) {
        StringBuilder p = new StringBuilder("/v1/health/service/").append(ConsulHttp.encode(service)).append("?passing=true");
        if (index > 0) {
            p.append("&index=").append(index).append("&wait=").append(ConsulJson.go(settings.blockingWait()));
        }
        if (settings.datacenter() != null) {
            p.append("&dc=").append(ConsulHttp.encode(settings.datacenter()));
        }
        return p.toString();
    }

    private Duration backoff(int errors) {
        long factor = 1L << Math.min(errors - 1, 16);
        Duration d = settings.errorBackoff().multipliedBy(factor);
        return d.compareTo(settings.maxErrorBackoff()) > 0 ? settings.maxErrorBackoff() : d;
    }

    private void publish(List<ServiceInstance> now) {
        synchronized (notifyLock) {
            view = now;
            loaded = true;
            for (Listening l : listeners) {
                l.offer(service, now);
            }
        }
        firstAttempt.countDown();
    }

    private static String abbreviate(String body) {
        String b = body.strip();
        return b.length() > 200 ? b.substring(0, 200) + "..." : b;
    }

    /** One listener; told only when its view really changed. Guarded by the cache's notify lock. */
    private static final class Listening {
        private final InstancesListener listener;
        private @Nullable List<ServiceInstance> last;

        Listening(InstancesListener listener) {
            this.listener = listener;
        }

        void offer(String service, List<ServiceInstance> now) {
            if (now.equals(last)) {
                return;
            }
            last = now;
            try {
                listener.changed(service, now);
            } catch (RuntimeException e) {
                LOG.warn("a listener of service {} failed: {}", service, ConsulHttp.describe(e));
            }
        }
    }
}
