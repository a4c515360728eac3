package dev.chassis.discovery.balancer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chassis.discovery.ServiceInstance;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class OutlierEjectionTest {
    private static final ServiceInstance A = ServiceInstance.of("orders", "orders-a", "10.0.0.1", 8080);
    private static final ServiceInstance B = ServiceInstance.of("orders", "orders-b", "10.0.0.2", 8080);
    private static final ServiceInstance C = ServiceInstance.of("orders", "orders-c", "10.0.0.3", 8080);
    private static final List<ServiceInstance> ABC = List.of(A, B, C);

    private final TestClock clock = new TestClock();
    private final List<String> events = new CopyOnWriteArrayList<>();
    private final LoadBalancer balancer = LoadBalancer.roundRobin().withOutlierEjection(OutlierEjection.builder()
            .consecutiveFailures(3)
            .baseEjectionTime(Duration.ofSeconds(1))
            .maxEjectionTime(Duration.ofSeconds(5))
            .clock(clock)
            .listener(new OutlierEjection.Listener() {
                @Override
                public void onEjected(ServiceInstance instance, Duration duration, int ejections) {
                    events.add("ejected " + instance.id() + " for " + duration + " #" + ejections);
                }

                @Override
                public void onReadmitted(ServiceInstance instance) {
                    events.add("readmitted " + instance.id());
                }
            })
            .build());

    @Test
    void ejectsAnInstanceAfterConsecutiveFailures() {
        // given
        fail(B, 2);

        // when
        Set<String> beforeThird = chosen(30);
        fail(B, 1);
        Set<String> afterThird = chosen(30);

        // then
        assertThat(beforeThird).contains("orders-b");
        assertThat(afterThird).containsExactlyInAnyOrder("orders-a", "orders-c");
        assertThat(events).containsExactly("ejected orders-b for PT1S #1");
    }

    @Test
    void aSuccessResetsTheCount() {
        // given
        fail(B, 2);
        succeed(B);

        // when
        fail(B, 2);

        // then
        assertThat(chosen(30)).contains("orders-b");
        assertThat(events).isEmpty();
    }

    @Test
    void readmitsAfterOneSuccessfulProbeOnceTheEjectionTimeHasPassed() {
        // given
        fail(B, 3);
        clock.advance(Duration.ofMillis(999));
        assertThat(chosen(30)).doesNotContain("orders-b");

        // when: the time is up, the next choice is the probe, and only one probe goes out
        clock.advance(Duration.ofMillis(1));
        ServiceInstance probe = balancer.choose("orders", ABC);
        Set<String> whileProbing = chosen(30);
        balancer.onStart(probe);
        balancer.onComplete(probe, CallOutcome.SUCCESS, Duration.ofMillis(3));

        // then
        assertThat(probe).isEqualTo(B);
        assertThat(whileProbing).doesNotContain("orders-b");
        assertThat(chosen(30)).contains("orders-b");
        assertThat(events).containsExactly("ejected orders-b for PT1S #1", "readmitted orders-b");
    }

    @Test
    void aFailedProbeDoublesTheEjectionUpToTheMaximum() {
        // given
        fail(B, 3);

        // when: every probe fails
        List<Duration> waits = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Duration wait = Duration.ZERO;
            while (balancer.choose("orders", ABC) != B || wait.isZero()) {
                clock.advance(Duration.ofMillis(100));
                wait = wait.plusMillis(100);
                if (wait.compareTo(Duration.ofSeconds(10)) > 0) {
                    break;
                }
            }
            waits.add(wait);
            fail(B, 1);
        }

        // then
        assertThat(waits).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4),
                Duration.ofSeconds(5));
        assertThat(events).containsExactly("ejected orders-b for PT1S #1", "ejected orders-b for PT2S #2",
                "ejected orders-b for PT4S #3", "ejected orders-b for PT5S #4", "ejected orders-b for PT5S #5");
    }

    @Test
    void choosesAmongAllWhenAllAreEjected() {
        // given
        for (ServiceInstance i : ABC) {
            fail(i, 3);
        }

        // when
        Set<String> chosen = chosen(30);

        // then
        assertThat(chosen).containsExactlyInAnyOrder("orders-a", "orders-b", "orders-c");
    }

    @Test
    void cancelledCallsCountNeitherWay() {
        // given
        fail(B, 2);

        // when
        balancer.onStart(B);
        balancer.onComplete(B, CallOutcome.CANCELLED, Duration.ofMillis(1));
        fail(B, 1);

        // then
        assertThat(chosen(30)).doesNotContain("orders-b");
    }

    @Test
    void rejectsSettingsOutOfRangeNamingThem() {
        assertThatThrownBy(() -> OutlierEjection.builder().consecutiveFailures(0).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("consecutiveFailures");
        assertThatThrownBy(() -> OutlierEjection.builder().baseEjectionTime(Duration.ofSeconds(10))
                .maxEjectionTime(Duration.ofSeconds(5)).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxEjectionTime");
    }

    private void fail(ServiceInstance instance, int times) {
        for (int i = 0; i < times; i++) {
            balancer.onStart(instance);
            balancer.onComplete(instance, CallOutcome.CONNECTION_FAILURE, Duration.ofMillis(1));
        }
    }

    private void succeed(ServiceInstance instance) {
        balancer.onStart(instance);
        balancer.onComplete(instance, CallOutcome.SUCCESS, Duration.ofMillis(1));
    }

    private Set<String> chosen(int calls) {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < calls; i++) {
            ids.add(balancer.choose("orders", ABC).id());
        }
        return ids;
    }
}
