package dev.chassis.testkit.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.chassis.discovery.HealthCheckSpec;
import dev.chassis.discovery.InstancesListener;
import dev.chassis.discovery.Registration;
import dev.chassis.discovery.ServiceInstance;
import dev.chassis.discovery.ServiceRegistry;
import dev.chassis.discovery.Watch;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Every promise of {@link ServiceRegistry} as a JUnit 5 test; each registry extends this class and
 * supplies the registry under test.
 *
 * <pre>{@code
 * class InMemoryServiceRegistryCompatibilityTest extends WritableServiceRegistryCompatibilityKit {
 *     protected ServiceRegistry createRegistry() {
 *         return InMemoryServiceRegistry.create();
 *     }
 * }
 * }</pre>
 *
 * <p><b>Read-only registries</b> (a static registry built from configuration)  * extend this class and override {@link #createRegistry(List)} to build a registry that already
 * holds the given instances; registries that take registrations extend
 * {@link WritableServiceRegistryCompatibilityKit}, which adds the tests of {@code register} and
 * {@code deregister}. No test is skipped for either kind.
 *
 * <p><b>Asynchronous registries</b> (Consul, whose view follows the agent through blocking queries)
 * pass too: every expectation about the view or a watch is awaited with Awaitility for up to
 * {@link #awaitTimeout()}, and "nothing more happens" is checked against a second watch that did
 * see the change, then for {@link #quietPeriod()}. Service names and instance ids carry a random
 * part, and instances a test registered are deregistered after it, so the kit can run against a
 * shared agent. A new instance runs each test (JUnit's default lifecycle); instances are not
 * thread-safe.
 */
public abstract class ServiceRegistryCompatibilityKit {
    private final String prefix = "kit-" + UUID.randomUUID().toString().substring(0, 8);
    private final CopyOnWriteArrayList<ServiceRegistry> registries = new CopyOnWriteArrayList<>();
    private final Set<String> registered = ConcurrentHashMap.newKeySet();

    /** For subclasses. */
    protected ServiceRegistryCompatibilityKit() {
    }

    /**
     * Makes an empty registry under test. The kit closes it after the test.
     *
     * @return the registry
     * @throws Exception any failure to set it up
     */
    protected abstract ServiceRegistry createRegistry() throws Exception;

    /**
     * Makes a registry that holds the instances, each healthy. The default makes an
     * {@linkplain #createRegistry() empty registry} and registers each instance with
     * {@link #healthCheck(ServiceInstance)}; read-only registries override it to build the registry
     * from the instances. The kit closes it after the test.
     *
     * @param instances the instances, of one or more services
     * @return the registry
     * @throws Exception any failure to set it up
     */
    protected ServiceRegistry createRegistry(List<ServiceInstance> instances) throws Exception {
        ServiceRegistry registry = createRegistry();
        for (ServiceInstance instance : instances) {
            register(registry, instance);
        }
        return registry;
    }


    /**
     * The health check the kit registers instances with. The default is a 10-second TTL check,
     * whose heartbeats the registry sends; registries that cannot pass it override this.
     *
     * @param instance the instance being registered
     * @return the check
     */
    protected HealthCheckSpec healthCheck(ServiceInstance instance) {
        return HealthCheckSpec.ttl(Duration.ofSeconds(10));
    }

    /**
     * How long to wait for the view or a watch to show a change; 10 seconds by default.
     *
     * @return a positive duration
     */
    protected Duration awaitTimeout() {
        return Duration.ofSeconds(10);
    }

    /**
     * How long a closed watch or an unrelated service must stay quiet after a change has shown
     * elsewhere; 300 milliseconds by default.
     *
     * @return a positive duration
     */
    protected Duration quietPeriod() {
        return Duration.ofMillis(300);
    }

    @AfterEach
    final void closeRegistries() {
        for (ServiceRegistry registry : registries) {
            for (String id : registered) {
                try {
                    registry.deregister(id);
                } catch (RuntimeException e) {
                    // cleanup only: the test has already passed or failed on its own terms
                }
            }
            registry.close();
        }
    }

    @Test
    void keepsTagsAndMetadata() throws Exception {
        // given
        ServiceInstance tagged = new ServiceInstance(service("orders"), id("1"), "10.0.0.7", 8080,
                Set.of("blue", "canary"), Map.of("version", "1.4.2", "zone", "eu-west-1a"));
        ServiceInstance plain = instance("orders", "2", 8081);

        // when
        ServiceRegistry registry = seeded(List.of(tagged, plain));

        // then
        awaitView(registry, "orders", List.of(tagged, plain));
        ServiceInstance found = registry.healthyInstances(service("orders")).get(0);
        assertThat(found.tags()).containsExactlyInAnyOrder("blue", "canary");
        assertThat(found.metadata()).containsExactlyInAnyOrderEntriesOf(Map.of("version", "1.4.2", "zone", "eu-west-1a"));
        assertThat(found.host()).isEqualTo("10.0.0.7");
        assertThat(found.port()).isEqualTo(8080);
    }

    @Test
    void listsInstancesInAStableOrderById() throws Exception {
        // given
        List<ServiceInstance> shuffled = List.of(instance("orders", "c", 8083), instance("orders", "a", 8081),
                instance("orders", "d", 8084), instance("orders", "b", 8082));

        // when
        ServiceRegistry registry = seeded(shuffled);

        // then
        awaiting(registry, "orders").until(() -> registry.healthyInstances(service("orders")).size() == 4);
        List<ServiceInstance> first = registry.healthyInstances(service("orders"));
        List<ServiceInstance> second = registry.healthyInstances(service("orders"));
        assertThat(first).extracting(ServiceInstance::id).containsExactly(id("orders-a"), id("orders-b"), id("orders-c"), id("orders-d"));
        assertThat(second).isEqualTo(first);
    }

    @Test
    void anUnknownServiceHasNoInstances() throws Exception {
        // given
        ServiceRegistry registry = seeded(List.of(instance("orders", "1", 8080)));

        // when
        List<ServiceInstance> unknown = registry.healthyInstances(service("nobody-registered-this"));

        // then
        assertThat(unknown).isEmpty();
    }

    @Test
    void aWatchGetsTheCurrentViewAtOnce() throws Exception {
        // given
        ServiceInstance first = instance("orders", "1", 8080);
        ServiceInstance second = instance("orders", "2", 8081);
        ServiceRegistry registry = seeded(List.of(first, second));
        awaitView(registry, "orders", List.of(first, second));
        Recorder recorder = new Recorder();

        // when
        registry.watch(service("orders"), recorder);

        // then
        awaiting(registry, "orders").until(() -> !recorder.views.isEmpty());
        assertThat(recorder.views.get(0)).containsExactlyInAnyOrder(first, second);
        assertThat(recorder.services).containsOnly(service("orders"));
    }

    @Test
    void aWatchOnAnEmptyServiceStartsWithAnEmptyView() throws Exception {
        // given
        ServiceRegistry registry = seeded(List.of(instance("orders", "1", 8080)));
        Recorder recorder = new Recorder();

        // when
        registry.watch(service("payments"), recorder);

        // then
        awaiting(registry, "payments").until(() -> !recorder.views.isEmpty());
        assertThat(recorder.views.get(0)).isEmpty();
    }

    @Test
    void servicesHaveIndependentViews() throws Exception {
        // given
        ServiceInstance order = instance("orders", "1", 8080);
        ServiceInstance payment = instance("payments", "1", 9090);
        ServiceInstance secondPayment = instance("payments", "2", 9091);

        // when
        ServiceRegistry registry = seeded(List.of(order, payment, secondPayment));

        // then
        awaitView(registry, "orders", List.of(order));
        awaitView(registry, "payments", List.of(payment, secondPayment));
        Recorder orders = new Recorder();
        registry.watch(service("orders"), orders);
        awaiting(registry, "orders").until(() -> orders.latest().equals(Set.of(order)));
        assertThat(orders.services).containsOnly(service("orders"));
    }

    @Test
    void closingWatchesAndTheRegistryIsIdempotent() throws Exception {
        // given
        ServiceRegistry registry = seeded(List.of(instance("orders", "1", 8080)));
        Watch watch = registry.watch(service("orders"), new Recorder());

        // when / then
        assertThatCode(() -> {
            watch.close();
            watch.close();
            registry.close();
            registry.close();
        }).doesNotThrowAnyException();
    }

    /** The service name the kit uses for {@code name}: unique to this test run. */
    protected final String service(String name) {
        return prefix + "-" + name;
    }

    protected final String id(String suffix) {
        return prefix + "-" + suffix;
    }

    protected final ServiceInstance instance(String name, String suffix, int port) {
        return ServiceInstance.of(service(name), id(name + "-" + suffix), "10.0.0." + (1 + Math.floorMod(suffix.hashCode(), 250)), port);
    }

    protected final ServiceRegistry seeded(List<ServiceInstance> instances) throws Exception {
        return track(createRegistry(instances));
    }

    protected final ServiceRegistry emptyRegistry() throws Exception {
        return track(createRegistry());
    }

    private ServiceRegistry track(ServiceRegistry registry) {
        registries.addIfAbsent(registry);
        return registry;
    }

    protected final void register(ServiceRegistry registry, ServiceInstance instance) {
        track(registry);
        registered.add(instance.id());
        registry.register(new Registration(instance, healthCheck(instance)));
    }

    protected final void awaitView(ServiceRegistry registry, String name, List<ServiceInstance> expected) {
        List<ServiceInstance> sorted = new ArrayList<>(expected);
        sorted.sort(Comparator.comparing(ServiceInstance::id));
        awaiting(registry, name).untilAsserted(
                () -> assertThat(registry.healthyInstances(service(name))).containsExactlyElementsOf(sorted));
    }

    protected final ConditionFactory awaiting(ServiceRegistry registry, String name) {
        track(registry);
        return await().alias(service(name)).atMost(awaitTimeout()).pollInterval(Duration.ofMillis(10));
    }

    /** Records every view a watch reports, and how many calls overlapped. */
    protected static final class Recorder implements InstancesListener {
        final List<List<ServiceInstance>> views = new CopyOnWriteArrayList<>();
        final List<String> services = new CopyOnWriteArrayList<>();
        final AtomicInteger inFlight = new AtomicInteger();
        final AtomicInteger maxConcurrentCalls = new AtomicInteger();

        @Override
        public void changed(String service, List<ServiceInstance> healthy) {
            int now = inFlight.incrementAndGet();
            maxConcurrentCalls.accumulateAndGet(now, Math::max);
            try {
                services.add(service);
                views.add(List.copyOf(healthy));
            } finally {
                inFlight.decrementAndGet();
            }
        }

        Set<ServiceInstance> latest() {
            return views.isEmpty() ? Set.of() : Set.copyOf(views.get(views.size() - 1));
        }
    }
}
