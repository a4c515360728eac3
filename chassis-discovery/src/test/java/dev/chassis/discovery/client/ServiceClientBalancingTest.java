package dev.chassis.discovery.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chassis.discovery.HealthCheckSpec;
import dev.chassis.discovery.InMemoryServiceRegistry;
import dev.chassis.discovery.Registration;
import dev.chassis.discovery.ServiceInstance;
import dev.chassis.discovery.balancer.CallOutcome;
import dev.chassis.discovery.balancer.LoadBalancer;
import dev.chassis.discovery.balancer.OutlierEjection;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Figures of the client with real local instances: tail latency by balancer, failures until ejection. */
class ServiceClientBalancingTest {
    private final InMemoryServiceRegistry registry = InMemoryServiceRegistry.create();
    private final List<TestInstance> instances = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(1)).build();
    private final ExecutorService callers = Executors.newFixedThreadPool(3);

    @AfterEach
    void stop() throws InterruptedException {
        callers.shutdownNow();
        callers.awaitTermination(5, TimeUnit.SECONDS);
        instances.forEach(TestInstance::close);
    }

    @Test
    void powerOfTwoChoicesCutsTheTailWhenOneInstanceIsSlow() throws Exception {
        // given: three instances, one five times slower than the others
        instance("orders-a").delayMillis(10);
        instance("orders-b").delayMillis(10);
        TestInstance slow = instance("orders-c").delayMillis(50);
        ServiceClient roundRobin = ServiceClient.builder(registry).httpClient(http)
                .loadBalancer(LoadBalancer.roundRobin()).build();
        ServiceClient p2c = ServiceClient.builder(registry).httpClient(http)
                .loadBalancer(LoadBalancer.powerOfTwoChoices()).build();
        run(roundRobin, 3, 10);

        // when: 3 callers, 600 calls per balancer
        int slowBefore = slow.requests();
        long[] rr = run(roundRobin, 3, 200);
        int slowRoundRobin = slow.requests() - slowBefore;
        long[] pc = run(p2c, 3, 200);
        int slowP2c = slow.requests() - slowBefore - slowRoundRobin;

        // then
        double rrP99 = percentile(rr, 0.99);
        double pcP99 = percentile(pc, 0.99);
        System.out.printf("p99 roundRobin=%.1fms p2c=%.1fms p50 roundRobin=%.1fms p2c=%.1fms slowCalls roundRobin=%d p2c=%d%n",
                rrP99, pcP99, percentile(rr, 0.5), percentile(pc, 0.5), slowRoundRobin, slowP2c);
        assertThat(slowRoundRobin).isEqualTo(200);
        assertThat(slowP2c).isLessThan(30);
        assertThat(pcP99).isLessThan(rrP99 * 0.7);
    }

    @Test
    void aKilledInstanceFailsOnlyAHandfulOfCallsBeforeItIsEjected() throws Exception {
        // given: three instances; ejection after 3 failures in a row (time stands still: no probes)
        int consecutiveFailures = 3;
        instance("orders-a");
        TestInstance killed = instance("orders-b");
        instance("orders-c");
        List<String> ejected = new CopyOnWriteArrayList<>();
        CountingBalancer counting = new CountingBalancer(LoadBalancer.roundRobin()
                .withOutlierEjection(OutlierEjection.builder()
                        .consecutiveFailures(consecutiveFailures)
                        .clock(Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC))
                        .listener(new OutlierEjection.Listener() {
                            @Override
                            public void onEjected(ServiceInstance instance, Duration duration, int ejections) {
                                ejected.add(instance.id());
                            }
                        })
                        .build()));
        ServiceClient client = ServiceClient.builder(registry).httpClient(http).loadBalancer(counting).build();
        run(client, 2, 15);

        // when: B dies without deregistering, while 2 callers keep calling
        killed.close();
        AtomicInteger callerFailures = new AtomicInteger();
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            done.add(callers.submit(() -> {
                for (int i = 0; i < 150; i++) {
                    try {
                        client.send(get(), HttpResponse.BodyHandlers.discarding());
                    } catch (ServiceCallException e) {
                        callerFailures.incrementAndGet();
                    }
                }
            }));
        }
        for (Future<?> f : done) {
            f.get(60, TimeUnit.SECONDS);
        }

        // then
        int failedCalls = counting.failures("orders-b");
        System.out.printf("consecutiveFailures=%d failedCalls=%d callerFailures=%d callsAfterKill=300 ejections=%s%n",
                consecutiveFailures, failedCalls, callerFailures.get(), ejected);
        assertThat(ejected).containsExactly("orders-b");
        assertThat(failedCalls).isBetween(consecutiveFailures, consecutiveFailures + 2);
        assertThat(callerFailures.get()).isZero();
    }

    private long[] run(ServiceClient client, int threads, int callsEach) throws Exception {
        List<Future<long[]>> results = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            results.add(callers.submit(() -> {
                long[] latencies = new long[callsEach];
                for (int i = 0; i < callsEach; i++) {
                    long start = System.nanoTime();
                    HttpResponse<Void> response = client.send(get(), HttpResponse.BodyHandlers.discarding());
                    latencies[i] = System.nanoTime() - start;
                    assertThat(response.statusCode()).isEqualTo(200);
                }
                return latencies;
            }));
        }
        long[] all = new long[0];
        for (Future<long[]> r : results) {
            long[] part = r.get(120, TimeUnit.SECONDS);
            long[] merged = Arrays.copyOf(all, all.length + part.length);
            System.arraycopy(part, 0, merged, all.length, part.length);
            all = merged;
        }
        return all;
    }

    private static double percentile(long[] nanos, double p) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return sorted[(int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] / 1e6;
    }

    private static HttpRequest get() {
        return HttpRequest.newBuilder(URI.create("http://orders/orders/1")).build();
    }

    private TestInstance instance(String id) {
        TestInstance instance = TestInstance.start("orders", id);
        instances.add(instance);
        registry.register(new Registration(instance.instance(), HealthCheckSpec.none()));
        return instance;
    }

    /** A pluggable balancer around another, counting failed calls per instance. */
    private static final class CountingBalancer implements LoadBalancer {
        private final LoadBalancer delegate;
        private final Map<String, AtomicInteger> failures = new ConcurrentHashMap<>();

        CountingBalancer(LoadBalancer delegate) {
            this.delegate = delegate;
        }

        @Override
        public ServiceInstance choose(String service, List<ServiceInstance> candidates) {
            return delegate.choose(service, candidates);
        }

        @Override
        public void onStart(ServiceInstance instance) {
            delegate.onStart(instance);
        }

        @Override
        public void onComplete(ServiceInstance instance, CallOutcome outcome, Duration latency) {
            if (outcome.isFailure()) {
                failures.computeIfAbsent(instance.id(), id -> new AtomicInteger()).incrementAndGet();
            }
            delegate.onComplete(instance, outcome, latency);
        }

        int failures(String instanceId) {
            AtomicInteger n = failures.get(instanceId);
            return n == null ? 0 : n.get();
        }
    }
}
