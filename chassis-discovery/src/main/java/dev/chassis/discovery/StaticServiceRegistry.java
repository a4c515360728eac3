package dev.chassis.discovery;

import static java.util.Objects.requireNonNull;

import dev.chassis.core.config.Config;
import dev.chassis.core.config.ConfigException;
import dev.chassis.core.config.ConfigKey;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A read-only registry of instances known in advance: fixed {@code host:port}s from code or
 * configuration, and DNS names — such as a Kubernetes Service — whose addresses are looked up again
 * on a {@linkplain Builder#refreshInterval(Duration) refresh interval}, each address an instance.
 *
 * <pre>{@code
 * StaticServiceRegistry registry = StaticServiceRegistry.builder()
 *         .addInstances("payment-service", "10.0.0.21:8080,10.0.0.22:8080")
 *         .addDnsName("order-service", "order-service.shop.svc.cluster.local:8080")
 *         .build();
 * }</pre>
 *
 * <p><b>Configuration.</b> {@link Builder#fromConfig(Config, String...)} reads, for each service,
 * {@code chassis.discovery.static.<service>} (a list of {@code host:port}) and
 * {@code chassis.discovery.dns.<service>} (a list of DNS {@code name:port}); declare them with
 * {@link #configKeys(String...)}. A malformed value fails start-up with a {@link ConfigException}
 * naming the key.
 *
 * <p><b>Ids.</b> A fixed instance given as text, and every address a DNS name resolves to, has the
 * id {@code host:port} ({@code 10.0.0.7:8080}, {@code [fd00::7]:8080}). Instances from DNS carry
 * the name in their metadata under {@value #DNS_NAME_METADATA}.
 *
 * <p><b>Health.</b> Every instance counts as healthy: nothing here checks them. A dead instance is
 * found by the caller's load balancer, which ejects it after a few failed calls. When a lookup
 * fails (no DNS server, no such name), the last answer that worked is kept; a service whose name
 * never resolved has no instances until it does.
 *
 * <p><b>Threads.</b> DNS names are first resolved in {@link Builder#build()}, then on one daemon
 * thread, which {@link #close()} stops. Listeners are called on the thread that saw the change
 * (the refresh thread, or the caller of {@link #refresh()}), and on the caller's thread with the
 * current view when a watch starts. {@link #register(Registration)} and
 * {@link #deregister(String)} throw {@link UnsupportedOperationException}. Instances are
 * thread-safe and intended to be shared.
 */
public final class StaticServiceRegistry implements ServiceRegistry {
    /** Prefix of the keys with fixed instances: {@code chassis.discovery.static.<service>}. */
    public static final String STATIC_KEY_PREFIX = "chassis.discovery.static.";
    /** Prefix of the keys with DNS names: {@code chassis.discovery.dns.<service>}. */
    public static final String DNS_KEY_PREFIX = "chassis.discovery.dns.";
    /** The metadata key under which an instance found through DNS carries the name that was resolved. */
    public static final String DNS_NAME_METADATA = "dns-name";
    /** How often DNS names are resolved unless told otherwise: 30 seconds, Kubernetes' default DNS cache TTL. */
    public static final Duration DEFAULT_REFRESH_INTERVAL = Duration.ofSeconds(30);

    private static final Logger log = LoggerFactory.getLogger(StaticServiceRegistry.class);
    private static final Comparator<ServiceInstance> BY_ID = Comparator.comparing(ServiceInstance::id);

    private final Map<String, List<ServiceInstance>> fixed;
    private final List<DnsEntry> dnsEntries;
    private final Resolver resolver;
    private final Object refreshLock = new Object();
    private final Object viewLock = new Object();
    private final List<StaticWatch> watches = new CopyOnWriteArrayList<>();
    private final @Nullable ScheduledExecutorService scheduler;
    private volatile Map<String, List<ServiceInstance>> view;
    private volatile boolean closed;

    /**
     * Looks up the addresses of a host name; {@code InetAddress::getAllByName} by default. Replace it
     * in tests.
     */
    @FunctionalInterface
    public interface Resolver {
        /**
         * Resolves a name.
         *
         * @param host the DNS name
         * @return its addresses, at least one
         * @throws Exception when the name cannot be resolved; the registry keeps the last good answer
         */
        InetAddress[] resolve(String host) throws Exception;
    }

    private StaticServiceRegistry(Builder b) {
        this.fixed = b.fixedByService();
        this.dnsEntries = List.copyOf(b.dnsEntries);
        this.resolver = b.resolver;
        this.view = computeView();
        if (dnsEntries.isEmpty()) {
            this.scheduler = null;
        } else {
            refresh();
            this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "chassis-dns-refresh");
                t.setDaemon(true);
                return t;
            });
            long millis = b.refreshInterval.toMillis();
            scheduler.scheduleWithFixedDelay(this::refreshQuietly, millis, millis, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * A builder with no instances, refreshing DNS names every {@link #DEFAULT_REFRESH_INTERVAL}.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The configuration keys {@link Builder#fromConfig(Config, String...)} reads for the services,
     * two optional text keys each: {@code chassis.discovery.static.<service>} and
     * {@code chassis.discovery.dns.<service>} (environment variables
     * {@code CHASSIS_DISCOVERY_STATIC_ORDER_SERVICE} and {@code CHASSIS_DISCOVERY_DNS_ORDER_SERVICE}
     * for {@code order-service}).
     *
     * <pre>{@code
     * Config config = Config.builder().declare(StaticServiceRegistry.configKeys("order-service")).build();
     * }</pre>
     *
     * @param services the service names; letters, digits, '.', '_' and '-'
     * @return the keys to declare
     * @throws IllegalArgumentException if a service name cannot be part of a key
     */
    public static List<ConfigKey<String>> configKeys(String... services) {
        requireNonNull(services, "services");
        List<ConfigKey<String>> keys = new ArrayList<>();
        for (String service : services) {
            keys.add(StaticConfig.staticKey(service));
            keys.add(StaticConfig.dnsKey(service));
        }
        return List.copyOf(keys);
    }

    /**
     * Always refuses: instances come from the builder.
     *
     * @throws UnsupportedOperationException always
     */
    @Override
    public void register(Registration registration) {
        throw new UnsupportedOperationException("StaticServiceRegistry is read-only: instances come from"
                + " configuration or DNS; cannot register " + (registration == null ? "null" : registration.instance().id())
                + ". Use a registry that supports registration (Consul, in-memory) to register this service.");
    }

    /**
     * Always refuses: instances come from the builder.
     *
     * @throws UnsupportedOperationException always
     */
    @Override
    public void deregister(String instanceId) {
        throw new UnsupportedOperationException("StaticServiceRegistry is read-only: instances come from"
                + " configuration or DNS; cannot deregister " + instanceId + ".");
    }

    @Override
    public List<ServiceInstance> healthyInstances(String service) {
        requireNonNull(service, "service");
        return view.getOrDefault(service, List.of());
    }

    @Override
    public Watch watch(String service, InstancesListener listener) {
        requireNonNull(service, "service");
        requireNonNull(listener, "listener");
        StaticWatch l = new StaticWatch(service, listener);
        synchronized (viewLock) {
            watches.add(l);
            l.offer(healthyInstances(service));
        }
        return () -> watches.remove(l);
    }

    /**
     * Resolves every DNS name now, on the calling thread, and tells watches of the changes. The
     * background thread does this on every refresh interval; call it to pick up a change sooner.
     * Names that fail keep their last good answer.
     */
    public void refresh() {
        synchronized (refreshLock) {
            for (DnsEntry entry : dnsEntries) {
                entry.resolve(resolver);
            }
            Map<String, List<ServiceInstance>> next = computeView();
            synchronized (viewLock) {
                Map<String, List<ServiceInstance>> before = view;
                view = next;
                for (StaticWatch l : watches) {
                    List<ServiceInstance> now = next.getOrDefault(l.service, List.of());
                    if (!now.equals(before.getOrDefault(l.service, List.of()))) {
                        try {
                            l.offer(now);
                        } catch (RuntimeException e) {
                            // one faulty listener must not keep the change from the others
                            log.warn("a listener of {} failed", l.service, e);
                        }
                    }
                }
            }
        }
    }

    private void refreshQuietly() {
        if (closed) {
            return;
        }
        try {
            refresh();
        } catch (RuntimeException e) {
            // an exception would end the schedule for good
            log.warn("refreshing DNS-based instances failed", e);
        }
    }

    private Map<String, List<ServiceInstance>> computeView() {
        Map<String, Map<String, ServiceInstance>> byService = new TreeMap<>();
        fixed.forEach((service, list) -> list.forEach(
                i -> byService.computeIfAbsent(service, s -> new LinkedHashMap<>()).put(i.id(), i)));
        for (DnsEntry entry : dnsEntries) {
            for (ServiceInstance i : entry.lastGood()) {
                byService.computeIfAbsent(entry.service(), s -> new LinkedHashMap<>()).putIfAbsent(i.id(), i);
            }
        }
        Map<String, List<ServiceInstance>> out = new TreeMap<>();
        byService.forEach((service, instances) -> {
            List<ServiceInstance> sorted = new ArrayList<>(instances.values());
            sorted.sort(BY_ID);
            out.put(service, List.copyOf(sorted));
        });
        return Map.copyOf(out);
    }

    /** Stops the DNS refresh thread and every watch. Idempotent. */
    @Override
    public void close() {
        closed = true;
        watches.clear();
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
    }

    @Override
    public String toString() {
        return "StaticServiceRegistry" + view.keySet();
    }

    /**
     * Builds a {@link StaticServiceRegistry}. Not thread-safe; build once at start-up.
     */
    public static final class Builder {
        private final List<ServiceInstance> fixed = new ArrayList<>();
        private final List<DnsEntry> dnsEntries = new ArrayList<>();
        private Resolver resolver = InetAddress::getAllByName;
        private Duration refreshInterval = DEFAULT_REFRESH_INTERVAL;

        private Builder() {
        }

        /**
         * Adds a fixed instance, with any id, tags and metadata.
         *
         * @param instance the instance
         * @return this builder
         */
        public Builder addInstance(ServiceInstance instance) {
            fixed.add(requireNonNull(instance, "instance"));
            return this;
        }

        /**
         * Adds fixed instances from text, each with the id {@code host:port}.
         *
         * @param service the service name
         * @param hostPorts e.g. {@code "10.0.0.21:8080,10.0.0.22:8080"}; IPv6 as {@code [fd00::7]:8080}
         * @return this builder
         * @throws IllegalArgumentException if the text is not a list of {@code host:port}
         */
        public Builder addInstances(String service, String hostPorts) {
            ServiceInstance.requireText(service, "service");
            requireNonNull(hostPorts, "hostPorts");
            List<StaticHostPort> list;
            try {
                list = StaticHostPort.parseList(hostPorts);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("instances of " + service + ": " + e.getMessage()
                        + "; expected " + StaticHostPort.FORMAT, e);
            }
            list.forEach(hp -> fixed.add(ServiceInstance.of(service, hp.id(), hp.host(), hp.port())));
            return this;
        }

        /**
         * Adds DNS names whose addresses are the service's instances, e.g. a Kubernetes headless
         * Service. Each address becomes an instance with the given port and the id {@code address:port}.
         *
         * @param service the service name
         * @param namePorts e.g. {@code "order-service.shop.svc.cluster.local:8080"}; several
         *     separated by commas
         * @return this builder
         * @throws IllegalArgumentException if the text is not a list of {@code name:port}
         */
        public Builder addDnsName(String service, String namePorts) {
            ServiceInstance.requireText(service, "service");
            requireNonNull(namePorts, "namePorts");
            List<StaticHostPort> list;
            try {
                list = StaticHostPort.parseList(namePorts);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("DNS names of " + service + ": " + e.getMessage()
                        + "; expected " + StaticHostPort.FORMAT, e);
            }
            list.forEach(hp -> dnsEntries.add(new DnsEntry(service, hp.host(), hp.port())));
            return this;
        }

        /**
         * Adds the instances and DNS names configured for the services under
         * {@code chassis.discovery.static.<service>} and {@code chassis.discovery.dns.<service>}.
         * Every service needs at least one of the two.
         *
         * @param config a configuration declaring {@link #configKeys(String...)} of these services
         * @param services the service names
         * @return this builder
         * @throws ConfigException naming each key whose value is malformed, and each service with
         *     neither key set
         * @throws IllegalArgumentException if the keys were not declared to the configuration
         */
        public Builder fromConfig(Config config, String... services) {
            requireNonNull(config, "config");
            requireNonNull(services, "services");
            StaticConfig.read(config, services,
                    (service, list) -> list.forEach(hp -> fixed.add(ServiceInstance.of(service, hp.id(), hp.host(), hp.port()))),
                    (service, list) -> list.forEach(hp -> dnsEntries.add(new DnsEntry(service, hp.host(), hp.port()))));
            return this;
        }

        /**
         * How often DNS names are resolved again; {@link #DEFAULT_REFRESH_INTERVAL} by default.
         *
         * @param interval a positive interval
         * @return this builder
         */
        public Builder refreshInterval(Duration interval) {
            if (requireNonNull(interval, "interval").isNegative() || interval.isZero()) {
                throw new IllegalArgumentException("interval must be positive, was " + interval);
            }
            this.refreshInterval = interval;
            return this;
        }

        /**
         * How DNS names are resolved; {@code InetAddress::getAllByName} by default.
         *
         * @param resolver the resolver
         * @return this builder
         */
        public Builder resolver(Resolver resolver) {
            this.resolver = requireNonNull(resolver, "resolver");
            return this;
        }

        /**
         * Builds the registry, resolving every DNS name once on the calling thread (a name that does
         * not resolve yet leaves its service empty, with a warning) and starting the refresh thread
         * if there are DNS names.
         *
         * @return the registry
         * @throws IllegalArgumentException if two fixed instances share an id
         */
        public StaticServiceRegistry build() {
            return new StaticServiceRegistry(this);
        }

        private Map<String, List<ServiceInstance>> fixedByService() {
            Map<String, List<ServiceInstance>> out = new TreeMap<>();
            Set<String> ids = new HashSet<>();
            for (ServiceInstance i : fixed) {
                if (!ids.add(i.id())) {
                    throw new IllegalArgumentException("instance id " + i.id() + " is given twice; ids must be unique");
                }
                out.computeIfAbsent(i.service(), s -> new ArrayList<>()).add(i);
            }
            out.replaceAll((s, list) -> List.copyOf(list));
            return out;
        }
    }
}
