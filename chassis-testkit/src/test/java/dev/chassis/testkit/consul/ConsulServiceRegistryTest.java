package dev.chassis.testkit.consul;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.chassis.core.RetryableException;
import dev.chassis.discovery.HealthCheckSpec;
import dev.chassis.discovery.Registration;
import dev.chassis.discovery.ServiceInstance;
import dev.chassis.discovery.ServiceRegistry;
import dev.chassis.discovery.Watch;
import dev.chassis.discovery.consul.ConsulServiceRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ConsulServiceRegistryTest {
    private static final Duration TTL = Duration.ofSeconds(3);
    private static final Duration HEARTBEAT = TTL.dividedBy(3);
    private static final Duration WAIT = Duration.ofSeconds(5);

    private final ConsulSimulator consul = ConsulSimulator.start();
    private final ConsulServiceRegistry registry = fastRegistry(consul).build();

    @AfterEach
    void close() {
        registry.close();
        consul.close();
    }

    static ConsulServiceRegistry.Builder fastRegistry(ConsulSimulator consul) {
        return ConsulServiceRegistry.builder()
                .agent(consul.uri())
                .connectTimeout(Duration.ofSeconds(1))
                .readTimeout(Duration.ofSeconds(1))
                .blockingWait(Duration.ofSeconds(1))
                .errorBackoff(Duration.ofMillis(100), Duration.ofMillis(500))
                .maxRetryBackoff(Duration.ofSeconds(1))
                .propagationDelay(Duration.ofMillis(100));
    }

    static Registration ttlRegistration(String id) {
        return new Registration(ServiceInstance.of("orders", id, "127.0.0.1", 8080), HealthCheckSpec.ttl(TTL));
    }

    private static List<String> ids(List<ServiceInstance> instances) {
        return instances.stream().map(ServiceInstance::id).collect(Collectors.toList());
    }

    @Test
    void registersWithATtlCheckAndHeartbeatsKeepItPassing() {
        // when
        registry.register(ttlRegistration("orders-1"));

        // then
        SimulatedService s = consul.services().get("orders-1");
        assertThat(s.name()).isEqualTo("orders");
        assertThat(s.checkIds()).containsExactly("service:orders-1");
        await().atMost(WAIT).until(() -> consul.requestCount("PUT /v1/agent/check/update") >= 2);
        consul.advance(TTL.minusMillis(500));
        await().atMost(WAIT).until(() -> consul.requestCount("PUT /v1/agent/check/update") >= 4);
        consul.advance(TTL.minusMillis(500));
        assertThat(consul.checkStatus("service:orders-1")).contains(CheckStatus.PASSING);
        assertThat(registry.healthyInstances("orders")).extracting(ServiceInstance::id).containsExactly("orders-1");
        assertThat(consul.requests().get(0).body()).contains("\"TTL\":\"3s\"", "\"DeregisterCriticalServiceAfter\":\"60s\"");
    }

    @Test
    void heartbeatsFollowTheHealthSupplier() {
        // given
        AtomicBoolean ready = new AtomicBoolean(true);
        try (ConsulServiceRegistry r = fastRegistry(consul).health(ready::get).build()) {
            r.register(ttlRegistration("orders-1"));

            // when
            ready.set(false);

            // then
            await().atMost(WAIT).until(() -> consul.checkStatus("service:orders-1").orElseThrow() == CheckStatus.CRITICAL);
            ready.set(true);
            await().atMost(WAIT).until(() -> consul.checkStatus("service:orders-1").orElseThrow() == CheckStatus.PASSING);
        }
    }

    @Test
    void lostHeartbeatsMakeItCriticalThenDeregisteredAndItReRegistersWhenHeartbeatsResume() {
        // given
        registry.register(ttlRegistration("orders-1"));
        await().atMost(WAIT).until(() -> ids(registry.healthyInstances("orders")).equals(List.of("orders-1")));

        // when heartbeats are lost
        long heartbeats = consul.requestCount("PUT /v1/agent/check/update");
        consul.fault("/v1/agent/check/", Fault.ERROR_500);
        await().atMost(WAIT).until(() -> consul.requestCount("PUT /v1/agent/check/update") > heartbeats);
        consul.advance(TTL.plusSeconds(1));

        // then
        assertThat(consul.checkStatus("service:orders-1")).contains(CheckStatus.CRITICAL);
        await().atMost(WAIT).until(() -> registry.healthyInstances("orders").isEmpty());
        consul.advance(Duration.ofSeconds(61));
        assertThat(consul.services()).doesNotContainKey("orders-1");

        // when heartbeats resume
        long start = System.nanoTime();
        consul.heal();

        // then
        await().atMost(WAIT).until(() -> consul.checkStatus("service:orders-1").orElse(null) == CheckStatus.PASSING);
        Duration repaired = Duration.ofNanos(System.nanoTime() - start);
        await().atMost(WAIT).until(() -> ids(registry.healthyInstances("orders")).equals(List.of("orders-1")));
        System.out.println("ttl heartbeat loss: critical -> deregistered -> re-registered after heal in "
                + repaired.toMillis() + " ms (heartbeat " + HEARTBEAT.toMillis() + " ms)");
        assertThat(repaired).isLessThan(HEARTBEAT.multipliedBy(2));
    }

    @Test
    void reRegistersWithinTwoHeartbeatIntervalsAfterTheAgentForgetsEverything() {
        // given
        registry.register(ttlRegistration("orders-1"));
        long registrations = consul.requestCount("PUT /v1/agent/service/register");

        // when
        consul.forgetAll();
        long start = System.nanoTime();

        // then
        await().atMost(WAIT).pollInterval(Duration.ofMillis(10))
                .until(() -> consul.checkStatus("service:orders-1").orElse(null) == CheckStatus.PASSING);
        Duration repaired = Duration.ofNanos(System.nanoTime() - start);
        System.out.println("agent forgot all: re-registered in " + repaired.toMillis() + " ms (heartbeat "
                + HEARTBEAT.toMillis() + " ms), registrations=" + (consul.requestCount("PUT /v1/agent/service/register")
                - registrations));
        assertThat(repaired).isLessThan(HEARTBEAT.multipliedBy(2));
    }

    @Test
    void reRegistersAnHttpCheckedInstanceTheAgentForgot() {
        // given
        try (ConsulServiceRegistry r = fastRegistry(consul).reconcileInterval(Duration.ofMillis(300)).build()) {
            r.register(new Registration(ServiceInstance.of("orders", "orders-1", "127.0.0.1", 8080),
                    HealthCheckSpec.http(URI.create("http://127.0.0.1:8081/health"), Duration.ofSeconds(10))));
            assertThat(consul.requests().get(0).body()).contains("\"HTTP\":\"http://127.0.0.1:8081/health\"",
                    "\"Interval\":\"10s\"", "\"Timeout\":\"5s\"");

            // when
            consul.forgetAll();

            // then
            await().atMost(WAIT).until(() -> consul.services().containsKey("orders-1"));
            assertThat(consul.requestCount("GET /v1/agent/service")).isGreaterThanOrEqualTo(1);
        }
    }

    @ParameterizedTest
    @EnumSource(Fault.class)
    void registrationFailingIsReportedRetryableAndRetriedInTheBackground(Fault fault) {
        // given
        consul.fault("/v1/agent/", fault);

        // when
        assertThatThrownBy(() -> registry.register(ttlRegistration("orders-1")))
                .isInstanceOf(RetryableException.class)
                .hasMessageContaining("keeps retrying");
        await().atMost(WAIT).until(() -> consul.requestCount("PUT /v1/agent/service/register") >= 2);
        consul.heal();

        // then
        await().atMost(WAIT).until(() -> consul.checkStatus("service:orders-1").orElse(null) == CheckStatus.PASSING);
        System.out.println("registration with agent " + fault + " retried: attempts="
                + consul.requestCount("PUT /v1/agent/service/register"));
    }

    @Test
    void registrationWithTheAgentUnreachableFailsFastAsRetryable() {
        // given
        URI closedPort;
        try (ConsulSimulator gone = ConsulSimulator.start()) {
            closedPort = gone.uri();
        }
        try (ConsulServiceRegistry r = fastRegistry(consul).agent(closedPort).build()) {
            long start = System.nanoTime();

            // when
            Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> r.register(ttlRegistration("orders-1")));

            // then
            assertThat(thrown).isInstanceOf(RetryableException.class).hasMessageContaining("unreachable");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
        }
    }

    @Test
    void looksUpInTheConfiguredDatacenter() {
        // given
        AgentCalls.registerHttpChecked(consul, "orders", "orders-1", 8081);
        try (ConsulServiceRegistry r = fastRegistry(consul).datacenter("eu-west").build()) {
            // when
            List<ServiceInstance> found = r.healthyInstances("orders");

            // then
            assertThat(ids(found)).containsExactly("orders-1");
            assertThat(consul.requests()).filteredOn(q -> q.endpoint().equals("GET /v1/health/service"))
                    .isNotEmpty().allMatch(q -> q.uri().contains("dc=eu-west") && q.uri().contains("passing=true"));
        }
    }

    @Test
    void aWatchSeesTheCurrentViewAndEveryChange() {
        // given
        AgentCalls.registerHttpChecked(consul, "orders", "orders-1", 8081);
        List<List<String>> seen = new CopyOnWriteArrayList<>();

        // when
        Watch watch = registry.watch("orders", (service, healthy) -> seen.add(ids(healthy)));
        await().atMost(WAIT).until(() -> seen.size() == 1);
        AgentCalls.registerHttpChecked(consul, "orders", "orders-2", 8082);
        await().atMost(WAIT).until(() -> seen.size() == 2);
        consul.setServiceStatus("orders-1", CheckStatus.CRITICAL);
        await().atMost(WAIT).until(() -> seen.size() == 3);
        watch.close();
        consul.setServiceStatus("orders-1", CheckStatus.PASSING);
        await().atMost(WAIT).until(() -> ids(registry.healthyInstances("orders")).size() == 2);

        // then
        assertThat(seen).containsExactly(List.of("orders-1"), List.of("orders-1", "orders-2"), List.of("orders-2"));
    }

    @Test
    void indexGoingBackwardsResetsToZeroAndBlockingResumes() {
        // given
        for (int i = 0; i < 5; i++) {
            AgentCalls.registerHttpChecked(consul, "payments", "payments-" + i, 9000 + i);
        }
        AgentCalls.registerHttpChecked(consul, "orders", "orders-1", 8081);
        assertThat(ids(registry.healthyInstances("orders"))).containsExactly("orders-1");

        // when
        consul.clearRequests();
        consul.setIndex(1);
        AgentCalls.registerHttpChecked(consul, "orders", "orders-2", 8082);

        // then
        await().atMost(WAIT).until(() -> ids(registry.healthyInstances("orders")).equals(List.of("orders-1", "orders-2")));
        await("a query starting again from index 0 after the index went backwards").atMost(WAIT)
                .until(() -> consul.requests().stream()
                        .anyMatch(r -> r.endpoint().equals("GET /v1/health/service") && !r.uri().contains("index=")));
        double rate = queryRate(registry, "orders", Duration.ofSeconds(2));
        System.out.println("index backwards: view=" + ids(registry.healthyInstances("orders")) + " requests/s=" + rate);
        assertThat(rate).isLessThan(2.5);
    }

    @Test
    void indexZeroIsNotUsedForBlockingAndTheQueryRateStaysBounded() {
        // given
        AgentCalls.registerHttpChecked(consul, "orders", "orders-1", 8081);
        assertThat(ids(registry.healthyInstances("orders"))).containsExactly("orders-1");

        // when
        consul.setIndex(0);
        double rate = queryRate(registry, "orders", Duration.ofSeconds(2));
        AgentCalls.registerHttpChecked(consul, "orders", "orders-2", 8082);

        // then
        await().atMost(WAIT).until(() -> ids(registry.healthyInstances("orders")).equals(List.of("orders-1", "orders-2")));
        System.out.println("index 0: requests/s=" + rate + " (min query interval 200 ms)");
        assertThat(consul.requests()).filteredOn(r -> r.endpoint().equals("GET /v1/health/service"))
                .noneMatch(r -> r.uri().contains("index=0"));
        assertThat(rate).isBetween(1.0, 6.0);
    }

    @Test
    void rapidChurnKeepsTheQueryRateBoundedAndEndsWithTheRightView() {
        // given
        AgentCalls.registerHttpChecked(consul, "orders", "orders-1", 8081);
        AgentCalls.registerHttpChecked(consul, "orders", "orders-2", 8082);
        assertThat(registry.healthyInstances("orders")).hasSize(2);
        long before = registry.queriesSent("orders");

        // when
        int changes = 0;
        long start = System.nanoTime();
        while (System.nanoTime() - start < Duration.ofSeconds(3).toNanos()) {
            consul.setServiceStatus("orders-2", changes % 2 == 0 ? CheckStatus.CRITICAL : CheckStatus.PASSING);
            changes++;
            LockSupport.parkNanos(Duration.ofMillis(2).toNanos());
        }
        consul.setServiceStatus("orders-2", CheckStatus.CRITICAL);
        double seconds = (System.nanoTime() - start) / 1e9;
        long queries = registry.queriesSent("orders") - before;

        // then
        await().atMost(WAIT).until(() -> ids(registry.healthyInstances("orders")).equals(List.of("orders-1")));
        double rate = queries / seconds;
        System.out.printf("rapid churn: changes=%d queries=%d requests/s=%.1f (bound 5/s)%n", changes, queries, rate);
        assertThat(changes).isGreaterThan(300);
        assertThat(rate).isLessThanOrEqualTo(6.0);
    }

    @ParameterizedTest
    @EnumSource(Fault.class)
    void agentFaultsKeepTheLastKnownGoodViewAndItRecovers(Fault fault) {
        // given
        AgentCalls.registerHttpChecked(consul, "orders", "orders-1", 8081);
        assertThat(ids(registry.healthyInstances("orders"))).containsExactly("orders-1");
        long before = consul.requestCount("GET /v1/health/service");

        // when
        consul.fault("/v1/health/", fault);
        AgentCalls.registerHttpChecked(consul, "orders", "orders-2", 8082);
        await().atMost(Duration.ofSeconds(10)).until(() -> consul.requestCount("GET /v1/health/service") >= before + 3);

        // then
        assertThat(ids(registry.healthyInstances("orders"))).containsExactly("orders-1");
        consul.heal();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> ids(registry.healthyInstances("orders")).equals(List.of("orders-1", "orders-2")));
        System.out.println("agent " + fault + ": last known good served during "
                + (consul.requestCount("GET /v1/health/service") - before) + " queries, recovered after heal");
    }

    @Test
    void theFirstLookupWaitsBrieflyWhenTheAgentIsDown() {
        // given
        consul.fault(Fault.HANG);
        try (ServiceRegistry r = fastRegistry(consul).firstLookupTimeout(Duration.ofMillis(300)).build()) {
            long start = System.nanoTime();

            // when
            List<ServiceInstance> found = r.healthyInstances("orders");

            // then
            assertThat(found).isEmpty();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
        } finally {
            consul.heal();
        }
    }

    @Test
    void shutdownDeregistersAndWaitsThePropagationDelay() throws Exception {
        // given
        registry.register(ttlRegistration("orders-1"));
        long start = System.nanoTime();

        // when
        registry.deregistration().run();

        // then
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(100));
        assertThat(consul.services()).isEmpty();
        long heartbeats = consul.requestCount("PUT /v1/agent/check/update");
        await().during(HEARTBEAT.multipliedBy(2)).atMost(WAIT)
                .until(() -> consul.requestCount("PUT /v1/agent/check/update") == heartbeats);
        assertThat(consul.services()).isEmpty();
    }

    @Test
    void shutdownDeregistrationIsBoundedWhenTheAgentHangs() throws Exception {
        // given
        try (ConsulServiceRegistry r = fastRegistry(consul).readTimeout(Duration.ofSeconds(30))
                .deregisterTimeout(Duration.ofMillis(500)).build()) {
            r.register(ttlRegistration("orders-1"));
            r.register(ttlRegistration("orders-2"));
            consul.fault(Fault.HANG);
            long start = System.nanoTime();

            // when
            r.deregistration().run();

            // then
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            System.out.println("deregistration with a hanging agent took " + took.toMillis()
                    + " ms (timeout 500 ms + propagation 100 ms)");
            assertThat(took).isLessThan(Duration.ofMillis(1500));
            assertThat(consul.services()).containsKeys("orders-1", "orders-2");
        } finally {
            consul.heal();
        }
    }

    private static double queryRate(ConsulServiceRegistry registry, String service, Duration window) {
        long before = registry.queriesSent(service);
        long start = System.nanoTime();
        await().pollDelay(window).atMost(window.plusSeconds(1)).until(() -> true);
        return (registry.queriesSent(service) - before) / ((System.nanoTime() - start) / 1e9);
    }
}
