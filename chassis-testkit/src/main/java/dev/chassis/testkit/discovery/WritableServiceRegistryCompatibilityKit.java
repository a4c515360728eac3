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
 * The promises of {@link ServiceRegistry#register(Registration)} and
 * {@link ServiceRegistry#deregister(String)}, on top of every promise of
 * {@link ServiceRegistryCompatibilityKit}: registries that take registrations (in-memory, Consul)
 * extend this class; read-only ones (static) extend the base kit.
 */
public abstract class WritableServiceRegistryCompatibilityKit extends ServiceRegistryCompatibilityKit {
    /** For subclasses. */
    protected WritableServiceRegistryCompatibilityKit() {
    }

    @Test
    void aRegisteredInstanceBecomesHealthy() throws Exception {
        // given
        ServiceRegistry registry = emptyRegistry();
        ServiceInstance instance = instance("orders", "1", 8080);

        // when
        register(registry, instance);

        // then
        awaitView(registry, "orders", List.of(instance));
    }

    @Test
    void deregisteringRemovesOnlyThatInstance() throws Exception {
        // given
        ServiceInstance first = instance("orders", "1", 8080);
        ServiceInstance second = instance("orders", "2", 8081);
        ServiceRegistry registry = seeded(List.of(first, second));
        awaitView(registry, "orders", List.of(first, second));

        // when
        registry.deregister(first.id());

        // then
        awaitView(registry, "orders", List.of(second));
    }

    @Test
    void deregisteringAnUnknownIdChangesNothing() throws Exception {
        // given
        ServiceInstance instance = instance("orders", "1", 8080);
        ServiceRegistry registry = seeded(List.of(instance));
        awaitView(registry, "orders", List.of(instance));

        // when
        registry.deregister(id("never-registered"));

        // then
        awaiting(registry, "orders").during(quietPeriod())
                .until(() -> registry.healthyInstances(service("orders")).equals(List.of(instance)));
    }

    @Test
    void registeringTheSameIdAgainReplacesTheRegistration() throws Exception {
        // given
        ServiceInstance before = instance("orders", "1", 8080);
        ServiceRegistry registry = seeded(List.of(before));
        awaitView(registry, "orders", List.of(before));
        ServiceInstance after = new ServiceInstance(before.service(), before.id(), "10.0.0.99", 9090,
                Set.of("v2"), Map.of("version", "2"));

        // when
        register(registry, after);

        // then
        awaitView(registry, "orders", List.of(after));
    }

    @Test
    void aWatchSeesEveryChangeOneCallAtATime() throws Exception {
        // given
        ServiceInstance first = instance("orders", "1", 8080);
        ServiceInstance second = instance("orders", "2", 8081);
        ServiceRegistry registry = seeded(List.of(first));
        awaitView(registry, "orders", List.of(first));
        Recorder recorder = new Recorder();
        registry.watch(service("orders"), recorder);
        awaiting(registry, "orders").until(() -> recorder.latest().equals(Set.of(first)));

        // when
        register(registry, second);
        awaiting(registry, "orders").until(() -> recorder.latest().equals(Set.of(first, second)));
        registry.deregister(first.id());

        // then
        awaiting(registry, "orders").until(() -> recorder.latest().equals(Set.of(second)));
        assertThat(recorder.maxConcurrentCalls.get()).isEqualTo(1);
        assertThat(recorder.views.get(0)).containsExactly(first);
    }

    @Test
    void closingAWatchStopsItsNotifications() throws Exception {
        // given
        ServiceInstance first = instance("orders", "1", 8080);
        ServiceRegistry registry = seeded(List.of(first));
        awaitView(registry, "orders", List.of(first));
        Recorder closed = new Recorder();
        Recorder open = new Recorder();
        Watch watch = registry.watch(service("orders"), closed);
        registry.watch(service("orders"), open);
        awaiting(registry, "orders").until(() -> !closed.views.isEmpty() && !open.views.isEmpty());
        int callsBeforeClose = closed.views.size();

        // when
        watch.close();
        ServiceInstance second = instance("orders", "2", 8081);
        register(registry, second);

        // then
        awaiting(registry, "orders").until(() -> open.latest().equals(Set.of(first, second)));
        awaiting(registry, "orders").during(quietPeriod()).until(() -> closed.views.size() == callsBeforeClose);
        assertThat(closed.latest()).isEqualTo(Set.of(first));
    }

    @Test
    void aChangeToOneServiceLeavesTheWatchesOfAnotherAlone() throws Exception {
        // given
        ServiceInstance order = instance("orders", "1", 8080);
        ServiceInstance payment = instance("payments", "1", 9090);
        ServiceRegistry registry = seeded(List.of(order, payment));
        awaitView(registry, "orders", List.of(order));
        awaitView(registry, "payments", List.of(payment));
        Recorder orders = new Recorder();
        Recorder payments = new Recorder();
        registry.watch(service("orders"), orders);
        registry.watch(service("payments"), payments);
        awaiting(registry, "orders").until(() -> orders.latest().equals(Set.of(order)) && payments.latest().equals(Set.of(payment)));

        // when
        ServiceInstance another = instance("orders", "2", 8081);
        register(registry, another);
        registry.deregister(order.id());

        // then
        awaiting(registry, "orders").until(() -> orders.latest().equals(Set.of(another)));
        awaiting(registry, "payments").during(quietPeriod())
                .until(() -> payments.views.stream().allMatch(v -> Set.copyOf(v).equals(Set.of(payment))));
        assertThat(registry.healthyInstances(service("payments"))).containsExactly(payment);
    }

    @Test
    void concurrentRegistrationsAreAllVisible() throws Exception {
        // given
        int threads = 8;
        int perThread = 25;
        ServiceRegistry registry = emptyRegistry();
        Recorder recorder = new Recorder();
        registry.watch(service("orders"), recorder);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<?>> futures = new ArrayList<>();

        // when
        try {
            for (int t = 0; t < threads; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        register(registry, instance("orders", thread + "-" + i, 10000 + thread * 100 + i));
                    }
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }

        // then
        int expected = threads * perThread;
        awaiting(registry, "orders").until(() -> registry.healthyInstances(service("orders")).size() == expected);
        awaiting(registry, "orders").until(() -> recorder.latest().size() == expected);
        List<ServiceInstance> all = registry.healthyInstances(service("orders"));
        System.out.printf("registrars=%d registered=%d visible=%d watched=%d lost=%d maxConcurrentListenerCalls=%d%n",
                threads, expected, all.size(), recorder.latest().size(), expected - all.size(),
                recorder.maxConcurrentCalls.get());
        assertThat(all).extracting(ServiceInstance::id).doesNotHaveDuplicates().isSorted();
        assertThat(recorder.maxConcurrentCalls.get()).isEqualTo(1);
    }
}
