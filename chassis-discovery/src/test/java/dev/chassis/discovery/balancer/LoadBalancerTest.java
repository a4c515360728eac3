package dev.chassis.discovery.balancer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chassis.discovery.ServiceInstance;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class LoadBalancerTest {
    private static final ServiceInstance A = ServiceInstance.of("orders", "orders-a", "10.0.0.1", 8080);
    private static final ServiceInstance B = ServiceInstance.of("orders", "orders-b", "10.0.0.2", 8080);
    private static final ServiceInstance C = ServiceInstance.of("orders", "orders-c", "10.0.0.3", 8080);
    private static final List<ServiceInstance> ABC = List.of(A, B, C);

    @Test
    void roundRobinSpreadsExactlyEvenUnderConcurrency() throws Exception {
        // given
        LoadBalancer balancer = LoadBalancer.roundRobin();
        Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(4);

        // when
        for (int t = 0; t < 4; t++) {
            pool.execute(() -> {
                for (int i = 0; i < 750; i++) {
                    counts.computeIfAbsent(balancer.choose("orders", ABC).id(), k -> new AtomicInteger()).incrementAndGet();
                }
            });
        }
        pool.shutdown();
        assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();

        // then
        assertThat(counts).hasSize(3);
        assertThat(counts.values()).allSatisfy(c -> assertThat(c.get()).isEqualTo(1000));
    }

    @Test
    void roundRobinVisitsEveryInstanceInTurnPerService() {
        // given
        LoadBalancer balancer = LoadBalancer.roundRobin();
        ServiceInstance p = ServiceInstance.of("payments", "payments-a", "10.0.1.1", 8080);
        ServiceInstance q = ServiceInstance.of("payments", "payments-b", "10.0.1.2", 8080);

        // when
        List<String> picked = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            picked.add(balancer.choose("orders", ABC).id());
            picked.add(balancer.choose("payments", List.of(p, q)).id());
        }

        // then: each service has its own turn, unaffected by the other's calls
        assertThat(picked).containsExactly("orders-a", "payments-a", "orders-b", "payments-b", "orders-c", "payments-a",
                "orders-a", "payments-b", "orders-b", "payments-a", "orders-c", "payments-b");
    }

    @Test
    void roundRobinStaysEvenWhenTheListChanges() {
        // given
        LoadBalancer balancer = LoadBalancer.roundRobin();
        for (int i = 0; i < 7; i++) {
            balancer.choose("orders", ABC);
        }

        // when: B leaves, then a new instance D joins
        Map<String, Integer> afterLeave = tally(balancer, List.of(A, C), 100);
        ServiceInstance d = ServiceInstance.of("orders", "orders-d", "10.0.0.4", 8080);
        Map<String, Integer> afterJoin = tally(balancer, List.of(A, C, d), 300);

        // then
        assertThat(afterLeave).containsOnly(Map.entry("orders-a", 50), Map.entry("orders-c", 50));
        assertThat(afterJoin).containsOnly(Map.entry("orders-a", 100), Map.entry("orders-c", 100), Map.entry("orders-d", 100));
    }

    @Test
    void randomSpreadsRoughlyEvenly() {
        // given
        LoadBalancer balancer = LoadBalancer.random(new Random(42));

        // when
        Map<String, Integer> counts = tally(balancer, ABC, 3000);

        // then
        assertThat(counts).hasSize(3);
        assertThat(counts.values()).allSatisfy(c -> assertThat(c).isBetween(850, 1150));
    }

    @Test
    void powerOfTwoChoicesPrefersTheFasterInstance() {
        // given: C answered 5x slower than A and B
        TestClock clock = new TestClock();
        LoadBalancer balancer = LoadBalancer.powerOfTwoChoices(new Random(7), clock);
        for (ServiceInstance i : ABC) {
            balancer.onStart(i);
            balancer.onComplete(i, CallOutcome.SUCCESS, Duration.ofMillis(i == C ? 50 : 10));
        }

        // when
        Map<String, Integer> counts = tally(balancer, ABC, 3000);

        // then: C loses every comparison it takes part in
        assertThat(counts.getOrDefault("orders-c", 0)).isZero();
        assertThat(counts.get("orders-a")).isBetween(1300, 1700);
    }

    @Test
    void powerOfTwoChoicesWeighsCallsInFlight() {
        // given: equal latency, but A has four calls in flight
        TestClock clock = new TestClock();
        LoadBalancer balancer = LoadBalancer.powerOfTwoChoices(new Random(7), clock);
        for (ServiceInstance i : List.of(A, B)) {
            balancer.onStart(i);
            balancer.onComplete(i, CallOutcome.SUCCESS, Duration.ofMillis(10));
        }
        for (int i = 0; i < 4; i++) {
            balancer.onStart(A);
        }

        // when
        ServiceInstance chosen = balancer.choose("orders", List.of(A, B));

        // then
        assertThat(chosen).isEqualTo(B);
    }

    @Test
    void powerOfTwoChoicesDoesNotPreferAnInstanceThatFailsFast() {
        // given: A refuses connections within a millisecond, B answers in 20 ms
        TestClock clock = new TestClock();
        LoadBalancer balancer = LoadBalancer.powerOfTwoChoices(new Random(7), clock);
        balancer.onStart(A);
        balancer.onComplete(A, CallOutcome.CONNECTION_FAILURE, Duration.ofMillis(1));
        balancer.onStart(B);
        balancer.onComplete(B, CallOutcome.SUCCESS, Duration.ofMillis(20));

        // when
        Map<String, Integer> counts = tally(balancer, List.of(A, B), 100);

        // then
        assertThat(counts).containsOnly(Map.entry("orders-b", 100));
    }

    @Test
    void powerOfTwoChoicesTriesASlowInstanceAgainAfterItWasIdle() {
        // given
        TestClock clock = new TestClock();
        LoadBalancer balancer = LoadBalancer.powerOfTwoChoices(new Random(7), clock);
        balancer.onStart(A);
        balancer.onComplete(A, CallOutcome.SUCCESS, Duration.ofMillis(10));
        balancer.onStart(C);
        balancer.onComplete(C, CallOutcome.SUCCESS, Duration.ofMillis(50));
        assertThat(balancer.choose("orders", List.of(A, C))).isEqualTo(A);

        // when: A stays busy (measured just now), C has been idle for a minute
        clock.advance(Duration.ofMinutes(1));
        balancer.onStart(A);
        balancer.onComplete(A, CallOutcome.SUCCESS, Duration.ofMillis(10));

        // then
        assertThat(balancer.choose("orders", List.of(A, C))).isEqualTo(C);
    }

    private static Map<String, Integer> tally(LoadBalancer balancer, List<ServiceInstance> candidates, int calls) {
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < calls; i++) {
            counts.merge(balancer.choose("orders", candidates).id(), 1, Integer::sum);
        }
        return counts;
    }
}
