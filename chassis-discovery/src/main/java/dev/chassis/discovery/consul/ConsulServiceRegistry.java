package dev.chassis.discovery.consul;

import static java.util.Objects.requireNonNull;

import dev.chassis.core.RetryableException;
import dev.chassis.core.config.Config;
import dev.chassis.core.health.HealthRegistry;
import dev.chassis.core.lifecycle.LifecycleAction;
import dev.chassis.discovery.InstancesListener;
import dev.chassis.discovery.Registration;
import dev.chassis.discovery.ServiceInstance;
import dev.chassis.discovery.ServiceRegistry;
import dev.chassis.discovery.Watch;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link ServiceRegistry} on the local Consul agent's HTTP API.
 *
 * <p><b>Registering</b> sends the instance with its check (TTL, or HTTP polled by the agent) and
 * {@code DeregisterCriticalServiceAfter}. The registry keeps what it registered "registered and
 * passing": a reconciler thread sends TTL heartbeats every TTL/3 (passing while the
 * {@linkplain Builder#health health supplier} says so, critical otherwise), checks every
 * {@linkplain Builder#reconcileInterval reconcile interval} that the agent still knows HTTP-checked
 * instances, and re-registers an instance the agent forgot (a 404 on the heartbeat after an agent
 * restart with wiped data) within two heartbeat intervals. If the agent cannot be reached,
 * {@link #register} throws a {@link RetryableException} but keeps the registration and retries in
 * the background with back-off (up to {@linkplain Builder#maxRetryBackoff 10 s}); a 4xx answer
 * throws a {@link dev.chassis.core.NonRetryableException} and drops it.
 *
 * <p><b>Lookups</b> are served from memory: the first lookup of a service starts a loop of
 * blocking queries on {@code /v1/health/service/{name}?passing=true} and waits up to
 * {@linkplain Builder#firstLookupTimeout 2 s} for the first answer. The loop follows Consul's rules
 * (the index restarts at 0 when absent, 0 or lower than before), starts queries at least
 * {@linkplain Builder#minQueryInterval 200 ms} apart under churn and backs off on errors, keeping
 * the last known good view while the agent is down. {@link #watch} listens to the same cache.
 *
 * <p><b>Token hygiene</b>: the ACL token is sent only in the {@code X-Consul-Token} header, never in
 * a URL, message or log line. <b>Timeouts</b>: connect 2 s, other requests 5 s, blocking queries
 * wait + wait/16 + 5 s.
 *
 * <pre>{@code
 * ConsulServiceRegistry consul = ConsulServiceRegistry.builder()
 *         .agent(URI.create("http://127.0.0.1:8500"))
 *         .token(System.getenv("CONSUL_HTTP_TOKEN"))
 *         .health(health)
 *         .build();
 * lifecycle.onShutdown(ShutdownPhase.DEREGISTER, "consul", consul.deregistration());
 * lifecycle.onShutdown(ShutdownPhase.CLOSE, "consul", consul::close);
 * }</pre>
 *
 * <p>Instances are thread-safe and intended to be shared.
 */
public final class ConsulServiceRegistry implements ServiceRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(ConsulServiceRegistry.class);

    private final ConsulHttp http;
    private final Reconciler reconciler;
    private final ServiceCache.QuerySettings querySettings;
    private final Duration firstLookupTimeout;
    private final Duration deregisterTimeout;
    private final Duration propagationDelay;
    private final Map<String, ServiceCache> caches = new ConcurrentHashMap<>();
    private final Object cachesLock = new Object();
    private volatile boolean closed;

    private ConsulServiceRegistry(Builder b) {
        this.http = new ConsulHttp(b.agent, b.token, b.connectTimeout, b.readTimeout);
        this.reconciler = new Reconciler(http, b.health, b.clock, b.reconcileInterval, b.maxRetryBackoff);
        this.querySettings = new ServiceCache.QuerySettings(b.blockingWait, b.minQueryInterval, b.errorBackoff,
                b.maxErrorBackoff, b.readTimeout, b.datacenter);
        this.firstLookupTimeout = b.firstLookupTimeout;
        this.deregisterTimeout = b.deregisterTimeout;
        this.propagationDelay = b.propagationDelay;
    }

    /**
     * A builder; every setting has a default, the agent's being {@code http://127.0.0.1:8500}.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Registers an instance with the agent and keeps it registered (see the class description).
     *
     * @param registration the instance and its check
     * @throws RetryableException if the agent could not be reached or answered 5xx; the registry
     *     keeps retrying in the background until {@link #deregister(String)}
     * @throws dev.chassis.core.NonRetryableException if the agent rejected the registration (4xx)
     * @throws IllegalStateException if the registry is closed
     */
    @Override
    public void register(Registration registration) {
        requireNonNull(registration, "registration");
        requireOpen();
        reconciler.register(registration);
        LOG.info("registered {} ({}) with consul, check {}", registration.instance().id(),
                registration.instance().service(), registration.check());
    }

    /**
     * Stops keeping an instance registered and removes it from the agent.
     *
     * @param instanceId the instance id; ids this registry did not register are ignored
     * @throws RetryableException if the agent could not be reached; the agent then removes the
     *     instance itself once its check has been critical for {@code deregisterCriticalAfter}
     */
    @Override
    public void deregister(String instanceId) {
        requireNonNull(instanceId, "instanceId");
        try {
            reconciler.deregister(instanceId, http.readTimeout());
        } catch (IOException e) {
            throw new RetryableException("could not deregister " + instanceId + " from consul agent " + http.agent()
                    + " (" + ConsulHttp.describe(e) + "); it stays until its check is critical long enough", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RetryableException("interrupted while deregistering " + instanceId, e);
        }
    }

    /**
     * The passing instances of a service, from memory. The first call for a service waits up to
     * the first-lookup timeout for the agent's first answer and returns an empty list if none came.
     *
     * @param service the service name
     * @return the instances by id; the last known good view while the agent is unreachable
     */
    @Override
    public List<ServiceInstance> healthyInstances(String service) {
        requireNonNull(service, "service");
        return cache(service).instances(firstLookupTimeout);
    }

    /**
     * Watches a service. The listener is called with the current view once the first answer is in
     * (on the calling thread if it already is) and after every change of the passing instances, on
     * the service's watch thread; never concurrently.
     *
     * @param service the service name
     * @param listener the listener; must not block
     * @return the watch, to close
     */
    @Override
    public Watch watch(String service, InstancesListener listener) {
        requireNonNull(service, "service");
        requireNonNull(listener, "listener");
        return cache(service).watch(listener);
    }

    /**
     * The shutdown step for {@link dev.chassis.core.lifecycle.ShutdownPhase#DEREGISTER}: stops the
     * heartbeats, deregisters every instance registered here within the
     * {@linkplain Builder#deregisterTimeout deregistration timeout} (2 s) however the agent behaves,
     * then waits the {@linkplain Builder#propagationDelay propagation delay} (1 s) so that callers'
     * caches learn of it before the service stops taking requests. Failures are logged, not thrown.
     *
     * @return the step
     */
    public LifecycleAction deregistration() {
        return () -> {
            reconciler.deregisterAll(deregisterTimeout);
            Thread.sleep(propagationDelay.toMillis());
        };
    }

    /** Stops heartbeats and watches; registrations stay with the agent. Idempotent. */
    @Override
    public void close() {
        synchronized (cachesLock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        reconciler.stop();
        caches.values().forEach(ServiceCache::close);
        caches.clear();
    }

    /**
     * The number of health queries sent for a service so far, e.g. to check the query rate.
     *
     * @param service the service name
     * @return the count, 0 if the service was never looked up
     */
    public long queriesSent(String service) {
        ServiceCache c = caches.get(requireNonNull(service, "service"));
        return c == null ? 0 : c.queries();
    }

    @Override
    public String toString() {
        return "ConsulServiceRegistry[agent=" + http.agent() + "]";
    }

    private ServiceCache cache(String service) {
        ServiceCache c = caches.get(service);
        if (c != null) {
            return c;
        }
        synchronized (cachesLock) {
            requireOpen();
            return caches.computeIfAbsent(service, s -> {
                ServiceCache created = new ServiceCache(s, http, querySettings);
                created.start();
                return created;
            });
        }
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("the consul registry is closed");
        }
    }

    /** Settings of a {@link ConsulServiceRegistry}. Not thread-safe; {@link #build()} copies. */
    public static final class Builder {
        private URI agent = URI.create("http://127.0.0.1:8500");
        private @Nullable String token;
        private @Nullable String datacenter;
        private Duration connectTimeout = Duration.ofSeconds(2);
        private Duration readTimeout = Duration.ofSeconds(5);
        private Duration blockingWait = Duration.ofSeconds(30);
        private Duration minQueryInterval = Duration.ofMillis(200);
        private Duration errorBackoff = Duration.ofMillis(500);
        private Duration maxErrorBackoff = Duration.ofSeconds(10);
        private Duration firstLookupTimeout = Duration.ofSeconds(2);
        private Duration reconcileInterval = Duration.ofSeconds(10);
        private Duration maxRetryBackoff = Duration.ofSeconds(10);
        private Duration deregisterTimeout = Duration.ofSeconds(2);
        private Duration propagationDelay = Duration.ofSeconds(1);
        private BooleanSupplier health = () -> true;
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        /**
         * Takes the agent, token, datacenter and timeouts from configuration (see {@link ConsulConfig}).
         *
         * @param config a configuration to which {@link ConsulConfig#KEYS} were declared
         * @return this builder
         * @throws IllegalArgumentException if the keys were not declared, or a value is out of range
         */
        public Builder config(Config config) {
            requireNonNull(config, "config");
            agent(config.get(ConsulConfig.AGENT));
            token(config.find(ConsulConfig.TOKEN).orElse(null));
            config.find(ConsulConfig.DATACENTER).ifPresent(this::datacenter);
            connectTimeout(config.get(ConsulConfig.CONNECT_TIMEOUT));
            readTimeout(config.get(ConsulConfig.READ_TIMEOUT));
            blockingWait(config.get(ConsulConfig.BLOCKING_WAIT));
            return this;
        }

        /**
         * The local agent's HTTP address; default {@code http://127.0.0.1:8500}.
         *
         * @param agent scheme, host and port, e.g. {@code http://127.0.0.1:8500}
         * @return this builder
         */
        public Builder agent(URI agent) {
            requireNonNull(agent, "agent");
            if (agent.getScheme() == null || agent.getHost() == null || agent.getRawQuery() != null) {
                throw new IllegalArgumentException("agent must be like http://127.0.0.1:8500 (no query), was " + agent);
            }
            this.agent = agent;
            return this;
        }

        /**
         * The ACL token, sent in the {@code X-Consul-Token} header only; default none. A null or
         * blank token means none, so {@code token(System.getenv("CONSUL_HTTP_TOKEN"))} works.
         *
         * @param token the token, or null
         * @return this builder
         */
        public Builder token(@Nullable String token) {
            this.token = token == null || token.isBlank() ? null : token;
            return this;
        }

        /**
         * The datacenter to look services up in; default the agent's.
         *
         * @param datacenter the datacenter
         * @return this builder
         */
        public Builder datacenter(String datacenter) {
            this.datacenter = requireNonNull(datacenter, "datacenter");
            return this;
        }

        /**
         * The TCP connect timeout; default 2 s.
         *
         * @param timeout positive
         * @return this builder
         */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = positive(timeout, "connectTimeout");
            return this;
        }

        /**
         * The time a request (registration, heartbeat, deregistration) may take, and the margin
         * added to a blocking query's wait; default 5 s.
         *
         * @param timeout positive
         * @return this builder
         */
        public Builder readTimeout(Duration timeout) {
            this.readTimeout = positive(timeout, "readTimeout");
            return this;
        }

        /**
         * How long a blocking query waits at the agent for a change; default 30 s, at most 10 min.
         *
         * @param wait positive
         * @return this builder
         */
        public Builder blockingWait(Duration wait) {
            positive(wait, "blockingWait");
            if (wait.compareTo(Duration.ofMinutes(10)) > 0) {
                throw new IllegalArgumentException("blockingWait must be at most 10 min (Consul's limit), was " + wait);
            }
            this.blockingWait = wait;
            return this;
        }

        /**
         * The least time between the starts of two queries for one service, which bounds the query
         * rate under churn; default 200 ms.
         *
         * @param interval not negative
         * @return this builder
         */
        public Builder minQueryInterval(Duration interval) {
            if (requireNonNull(interval, "minQueryInterval").isNegative()) {
                throw new IllegalArgumentException("minQueryInterval must not be negative, was " + interval);
            }
            this.minQueryInterval = interval;
            return this;
        }

        /**
         * The back-off after a failed query, doubling up to {@code max}; default 500 ms up to 10 s.
         *
         * @param initial the first pause, positive
         * @param max the longest pause, at least {@code initial}
         * @return this builder
         */
        public Builder errorBackoff(Duration initial, Duration max) {
            positive(initial, "initial");
            if (positive(max, "max").compareTo(initial) < 0) {
                throw new IllegalArgumentException("max back-off " + max + " is shorter than the initial " + initial);
            }
            this.errorBackoff = initial;
            this.maxErrorBackoff = max;
            return this;
        }

        /**
         * How long the first lookup of a service waits for the agent's answer; default 2 s.
         *
         * @param timeout not negative
         * @return this builder
         */
        public Builder firstLookupTimeout(Duration timeout) {
            if (requireNonNull(timeout, "firstLookupTimeout").isNegative()) {
                throw new IllegalArgumentException("firstLookupTimeout must not be negative, was " + timeout);
            }
            this.firstLookupTimeout = timeout;
            return this;
        }

        /**
         * How often the registry checks that the agent still knows instances without a TTL check;
         * default 10 s. TTL-checked instances are checked by each heartbeat (every TTL/3).
         *
         * @param interval positive
         * @return this builder
         */
        public Builder reconcileInterval(Duration interval) {
            this.reconcileInterval = positive(interval, "reconcileInterval");
            return this;
        }

        /**
         * The longest pause between registration attempts while the agent is unreachable; default 10 s.
         *
         * @param max positive
         * @return this builder
         */
        public Builder maxRetryBackoff(Duration max) {
            this.maxRetryBackoff = positive(max, "maxRetryBackoff");
            return this;
        }

        /**
         * How long {@link #deregistration()} may spend deregistering; default 2 s.
         *
         * @param timeout positive
         * @return this builder
         */
        public Builder deregisterTimeout(Duration timeout) {
            this.deregisterTimeout = positive(timeout, "deregisterTimeout");
            return this;
        }

        /**
         * How long {@link #deregistration()} waits after deregistering, for callers to notice; default 1 s.
         *
         * @param delay not negative
         * @return this builder
         */
        public Builder propagationDelay(Duration delay) {
            if (requireNonNull(delay, "propagationDelay").isNegative()) {
                throw new IllegalArgumentException("propagationDelay must not be negative, was " + delay);
            }
            this.propagationDelay = delay;
            return this;
        }

        /**
         * Decides each TTL heartbeat: passing while it answers true, critical otherwise (also when it
         * throws); default always true.
         *
         * @param health the supplier, called on the reconciler thread; must be quick
         * @return this builder
         */
        public Builder health(BooleanSupplier health) {
            this.health = requireNonNull(health, "health");
            return this;
        }

        /**
         * Heartbeats follow the chassis's readiness ({@code GET /ready}): passing while it is UP, so
         * callers stop finding the instance when it is not ready or shutting down.
         *
         * @param health the health registry
         * @return this builder
         */
        public Builder health(HealthRegistry health) {
            requireNonNull(health, "health");
            this.health = () -> health.readiness().isUp();
            return this;
        }

        /**
         * The clock that dates heartbeat output; default system UTC.
         *
         * @param clock the clock
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Builds the registry. No request is sent until the first registration or lookup.
         *
         * @return the registry
         */
        public ConsulServiceRegistry build() {
            return new ConsulServiceRegistry(this);
        }

        private static Duration positive(Duration d, String name) {
            if (requireNonNull(d, name).isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + " must be positive, was " + d);
            }
            return d;
        }
    }
}
