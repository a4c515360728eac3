package dev.chassis.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.chassis.core.config.Config;
import dev.chassis.core.config.ConfigException;
import dev.chassis.core.config.ConfigKey;
import dev.chassis.core.config.ConfigProblem;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class StaticServiceRegistryTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    @Test
    void servesFixedInstancesSortedById() {
        // given
        ServiceInstance tagged = new ServiceInstance("payment-service", "pay-a", "10.0.0.30", 9000,
                Set.of("blue"), Map.of("zone", "eu-1"));

        // when
        try (StaticServiceRegistry registry = StaticServiceRegistry.builder()
                .addInstances("payment-service", "10.0.0.22:8080, 10.0.0.21:8080")
                .addInstance(tagged)
                .addInstances("order-service", "[fd00::7]:8080")
                .build()) {

            // then
            assertThat(registry.healthyInstances("payment-service")).extracting(ServiceInstance::id)
                    .containsExactly("10.0.0.21:8080", "10.0.0.22:8080", "pay-a");
            assertThat(registry.healthyInstances("payment-service").get(0))
                    .isEqualTo(ServiceInstance.of("payment-service", "10.0.0.21:8080", "10.0.0.21", 8080));
            assertThat(registry.healthyInstances("payment-service").get(2)).isEqualTo(tagged);
            assertThat(registry.healthyInstances("order-service")).singleElement().satisfies(i -> {
                assertThat(i.id()).isEqualTo("[fd00::7]:8080");
                assertThat(i.host()).isEqualTo("fd00::7");
                assertThat(i.uri("http")).isEqualTo(URI.create("http://[fd00::7]:8080"));
            });
            assertThat(registry.healthyInstances("unknown-service")).isEmpty();
        }
    }

    @Test
    void refusesRegistrationWithAMessageThatSaysWhy() {
        // given
        try (StaticServiceRegistry registry = StaticServiceRegistry.builder().build()) {
            Registration registration = new Registration(ServiceInstance.of("a", "a-1", "h", 1), HealthCheckSpec.none());

            // when / then
            assertThatThrownBy(() -> registry.register(registration)).isInstanceOf(UnsupportedOperationException.class)
                    .hasMessageContaining("read-only").hasMessageContaining("a-1");
            assertThatThrownBy(() -> registry.deregister("a-1")).isInstanceOf(UnsupportedOperationException.class)
                    .hasMessageContaining("read-only");
        }
    }

    @Test
    void rejectsMalformedHostPortListsNamingTheServiceAndTheEntry() {
        StaticServiceRegistry.Builder builder = StaticServiceRegistry.builder();
        Map<String, String> bad = Map.of(
                "", "empty",
                "10.0.0.1", "no port",
                "10.0.0.1:", "no valid port",
                "10.0.0.1:0", "no valid port",
                "10.0.0.1:70000", "no valid port",
                "10.0.0.1:http", "no valid port",
                "fd00::7:8080", "IPv6",
                "10.0.0.1:80,,10.0.0.2:80", "empty",
                "10.0.0.1:80,10.0.0.1:80", "twice",
                ":80", "no valid host");
        bad.forEach((text, problem) -> assertThatThrownBy(() -> builder.addInstances("order-service", text))
                .as(text)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("order-service")
                .hasMessageContaining(problem)
                .hasMessageContaining("host:port"));
        assertThatThrownBy(() -> builder.addDnsName("order-service", "orders.shop.svc"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("DNS names of order-service");
        assertThatThrownBy(() -> StaticServiceRegistry.builder().addInstances("a", "h:1").addInstances("b", "h:1").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("h:1 is given twice");
    }

    @Test
    void declaresTwoOptionalKeysPerService() {
        // when
        List<ConfigKey<String>> keys = StaticServiceRegistry.configKeys("order-service", "payment-service");

        // then
        assertThat(keys).extracting(ConfigKey::name).containsExactly(
                "chassis.discovery.static.order-service", "chassis.discovery.dns.order-service",
                "chassis.discovery.static.payment-service", "chassis.discovery.dns.payment-service");
        assertThat(keys).extracting(ConfigKey::envName).startsWith(
                "CHASSIS_DISCOVERY_STATIC_ORDER_SERVICE", "CHASSIS_DISCOVERY_DNS_ORDER_SERVICE");
        assertThat(keys).allMatch(ConfigKey::isOptional);
    }

    @Test
    void readsInstancesAndDnsNamesFromConfiguration() {
        // given
        Config config = config(Map.of(
                "CHASSIS_DISCOVERY_STATIC_PAYMENT_SERVICE", "10.0.0.21:8080,10.0.0.22:8080",
                "CHASSIS_DISCOVERY_DNS_ORDER_SERVICE", "order-service.shop.svc.cluster.local:8080"),
                Map.of("chassis.discovery.static.order-service", "10.9.9.9:7000"));
        FakeDns dns = new FakeDns().answer("order-service.shop.svc.cluster.local", "10.1.0.5", "10.1.0.4");

        // when
        try (StaticServiceRegistry registry = StaticServiceRegistry.builder()
                .fromConfig(config, "order-service", "payment-service")
                .resolver(dns)
                .build()) {

            // then
            assertThat(registry.healthyInstances("payment-service")).extracting(ServiceInstance::id)
                    .containsExactly("10.0.0.21:8080", "10.0.0.22:8080");
            assertThat(registry.healthyInstances("order-service")).extracting(ServiceInstance::id)
                    .containsExactly("10.1.0.4:8080", "10.1.0.5:8080", "10.9.9.9:7000");
        }
    }

    @Test
    void failsStartUpNamingEveryBadKeyAndWhereItCameFrom() {
        // given
        Config config = config(Map.of(
                "CHASSIS_DISCOVERY_STATIC_PAYMENT_SERVICE", "10.0.0.21",
                "CHASSIS_DISCOVERY_DNS_ORDER_SERVICE", "orders:eighty"),
                Map.of());

        // when / then
        assertThatThrownBy(() -> StaticServiceRegistry.builder()
                .fromConfig(config, "order-service", "payment-service", "user-service"))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.problems()).extracting(ConfigProblem::key, ConfigProblem::kind).containsExactly(
                            org.assertj.core.groups.Tuple.tuple("chassis.discovery.dns.order-service", ConfigProblem.Kind.MALFORMED),
                            org.assertj.core.groups.Tuple.tuple("chassis.discovery.static.payment-service", ConfigProblem.Kind.MALFORMED),
                            org.assertj.core.groups.Tuple.tuple("chassis.discovery.static.user-service", ConfigProblem.Kind.MISSING));
                    assertThat(e.getMessage())
                            .contains("chassis.discovery.static.payment-service: malformed value '10.0.0.21'"
                                    + " in environment variable CHASSIS_DISCOVERY_STATIC_PAYMENT_SERVICE")
                            .contains("has no port")
                            .contains("'orders:eighty' has no valid port")
                            .contains("no instances configured for user-service")
                            .contains("CHASSIS_DISCOVERY_DNS_USER_SERVICE");
                });
    }

    @Test
    void reportsProblemsAsTheDocsShowThem() {
        // given
        Config config = config(Map.of("CHASSIS_DISCOVERY_STATIC_PAYMENT_SERVICE", "10.0.0.21"), Map.of());

        // when / then
        assertThatThrownBy(() -> StaticServiceRegistry.builder().fromConfig(config, "payment-service", "user-service"))
                .hasMessage(String.join(System.lineSeparator(),
                        "invalid configuration (2 problems):",
                        "  - chassis.discovery.static.payment-service: malformed value '10.0.0.21' in environment"
                                + " variable CHASSIS_DISCOVERY_STATIC_PAYMENT_SERVICE: '10.0.0.21' has no port; write"
                                + " host:port; expected a comma-separated list of host:port, e.g."
                                + " 10.0.0.7:8080,10.0.0.8:8080 (IPv6 in brackets: [fd00::7]:8080)",
                        "  - chassis.discovery.static.user-service: no instances configured for user-service; set"
                                + " chassis.discovery.static.user-service (environment variable"
                                + " CHASSIS_DISCOVERY_STATIC_USER_SERVICE) to host:port,host:port or"
                                + " chassis.discovery.dns.user-service (environment variable"
                                + " CHASSIS_DISCOVERY_DNS_USER_SERVICE) to a DNS name:port"));
    }

    @Test
    void escapesControlCharactersOfBadValues() {
        // given
        Config config = config(Map.of(), Map.of("chassis.discovery.static.order-service", "a:1\nFAKE LOG LINE"));

        // when / then
        assertThatThrownBy(() -> StaticServiceRegistry.builder().fromConfig(config, "order-service"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("in system property chassis.discovery.static.order-service")
                .hasMessageContaining("\\u000a")
                .hasMessageNotContaining("\nFAKE");
    }

    @Test
    void makesAnInstanceOfEveryAddressOfADnsName() {
        // given
        FakeDns dns = new FakeDns().answer("orders.shop.svc.cluster.local", "10.1.0.7", "10.1.0.6", "fd00::9");

        // when
        try (StaticServiceRegistry registry = StaticServiceRegistry.builder()
                .addDnsName("order-service", "orders.shop.svc.cluster.local:8080")
                .resolver(dns)
                .build()) {

            // then
            assertThat(registry.healthyInstances("order-service")).containsExactly(
                    dnsInstance("10.1.0.6", "10.1.0.6:8080"),
                    dnsInstance("10.1.0.7", "10.1.0.7:8080"),
                    dnsInstance("fd00:0:0:0:0:0:0:9", "[fd00:0:0:0:0:0:0:9]:8080"));
        }
    }

    @Test
    void picksUpDnsChangesOnRefreshAndTellsWatches() throws Exception {
        // given
        FakeDns dns = new FakeDns().answer("orders", "10.1.0.1", "10.1.0.2");
        try (StaticServiceRegistry registry = StaticServiceRegistry.builder()
                .addDnsName("order-service", "orders:8080").resolver(dns).refreshInterval(Duration.ofHours(1)).build()) {
            List<List<String>> seen = new CopyOnWriteArrayList<>();
            registry.watch("order-service", (service, healthy) -> seen.add(ids(healthy)));

            // when
            dns.answer("orders", "10.1.0.2", "10.1.0.3");
            registry.refresh();
            registry.refresh();

            // then
            assertThat(seen).containsExactly(
                    List.of("10.1.0.1:8080", "10.1.0.2:8080"),
                    List.of("10.1.0.2:8080", "10.1.0.3:8080"));
            assertThat(ids(registry.healthyInstances("order-service"))).containsExactly("10.1.0.2:8080", "10.1.0.3:8080");
        }
    }

    @Test
    void keepsTheLastGoodAnswerWhileTheNameDoesNotResolve() throws Exception {
        // given
        FakeDns dns = new FakeDns().answer("orders", "10.1.0.1");
        try (StaticServiceRegistry registry = StaticServiceRegistry.builder()
                .addDnsName("order-service", "orders:8080").resolver(dns).refreshInterval(Duration.ofHours(1)).build()) {
            List<List<String>> seen = new CopyOnWriteArrayList<>();
            registry.watch("order-service", (service, healthy) -> seen.add(ids(healthy)));

            // when
            dns.fail("orders");
            registry.refresh();
            List<String> duringOutage = ids(registry.healthyInstances("order-service"));
            dns.answer("orders", "10.1.0.2");
            registry.refresh();

            // then
            assertThat(duringOutage).containsExactly("10.1.0.1:8080");
            assertThat(seen).containsExactly(List.of("10.1.0.1:8080"), List.of("10.1.0.2:8080"));
            assertThat(dns.lookups.get()).isEqualTo(3);
        }
    }

    @Test
    void leavesAServiceEmptyUntilItsNameFirstResolves() throws Exception {
        // given
        FakeDns dns = new FakeDns().fail("orders");

        // when
        try (StaticServiceRegistry registry = StaticServiceRegistry.builder()
                .addDnsName("order-service", "orders:8080")
                .addInstances("payment-service", "10.0.0.1:80")
                .resolver(dns).refreshInterval(Duration.ofHours(1)).build()) {
            List<ServiceInstance> before = registry.healthyInstances("order-service");
            dns.answer("orders", "10.1.0.1");
            registry.refresh();

            // then
            assertThat(before).isEmpty();
            assertThat(ids(registry.healthyInstances("order-service"))).containsExactly("10.1.0.1:8080");
            assertThat(ids(registry.healthyInstances("payment-service"))).containsExactly("10.0.0.1:80");
        }
    }

    @Test
    void refreshesInTheBackgroundUntilClosed() {
        // given
        FakeDns dns = new FakeDns().answer("orders", "10.1.0.1");
        StaticServiceRegistry registry = StaticServiceRegistry.builder()
                .addDnsName("order-service", "orders:8080").resolver(dns).refreshInterval(Duration.ofMillis(20)).build();
        List<List<String>> seen = new CopyOnWriteArrayList<>();
        registry.watch("order-service", (service, healthy) -> seen.add(ids(healthy)));

        // when
        dns.answer("orders", "10.1.0.9");

        // then
        await().atMost(TIMEOUT).until(() -> seen.size() == 2);
        assertThat(seen.get(1)).containsExactly("10.1.0.9:8080");
        registry.close();
        registry.close();
        int lookupsAtClose = dns.lookups.get();
        await().during(Duration.ofMillis(200)).atMost(TIMEOUT).until(() -> dns.lookups.get() <= lookupsAtClose + 1);
    }

    @Test
    void closingAWatchStopsItsNotifications() {
        // given
        FakeDns dns = new FakeDns().answer("orders", "10.1.0.1");
        try (StaticServiceRegistry registry = StaticServiceRegistry.builder()
                .addDnsName("order-service", "orders:8080").resolver(dns).refreshInterval(Duration.ofHours(1)).build()) {
            AtomicInteger closedCalls = new AtomicInteger();
            AtomicInteger openCalls = new AtomicInteger();
            Watch closed = registry.watch("order-service", (s, h) -> closedCalls.incrementAndGet());
            registry.watch("order-service", (s, h) -> openCalls.incrementAndGet());

            // when
            closed.close();
            closed.close();
            dns.answer("orders", "10.1.0.2");
            registry.refresh();

            // then
            assertThat(openCalls.get()).isEqualTo(2);
            assertThat(closedCalls.get()).isEqualTo(1);
        }
    }

    @Test
    void aThrowingListenerDoesNotStopTheRefreshes() {
        // given
        FakeDns dns = new FakeDns().answer("orders", "10.1.0.1");
        AtomicInteger calls = new AtomicInteger();
        try (StaticServiceRegistry registry = StaticServiceRegistry.builder()
                .addDnsName("order-service", "orders:8080").resolver(dns).refreshInterval(Duration.ofMillis(20)).build()) {
            registry.watch("order-service", (s, h) -> {
                if (calls.incrementAndGet() == 2) {
                    throw new IllegalStateException("listener bug");
                }
            });

            // when
            dns.answer("orders", "10.1.0.2");
            await().atMost(TIMEOUT).until(() -> calls.get() == 2);
            dns.answer("orders", "10.1.0.3");

            // then
            await().atMost(TIMEOUT).until(() -> calls.get() == 3);
            assertThat(ids(registry.healthyInstances("order-service"))).containsExactly("10.1.0.3:8080");
        }
    }

    private static Config config(Map<String, String> env, Map<String, String> properties) {
        return Config.builder()
                .declare(StaticServiceRegistry.configKeys("order-service", "payment-service", "user-service"))
                .env(env)
                .systemProperties(properties)
                .build();
    }

    private static ServiceInstance dnsInstance(String ip, String id) {
        return new ServiceInstance("order-service", id, ip, 8080, Set.of(),
                Map.of(StaticServiceRegistry.DNS_NAME_METADATA, "orders.shop.svc.cluster.local"));
    }

    private static List<String> ids(List<ServiceInstance> instances) {
        return instances.stream().map(ServiceInstance::id).toList();
    }

    /** A DNS whose answers the test sets; literal addresses need no lookup. */
    static final class FakeDns implements StaticServiceRegistry.Resolver {
        private final Map<String, List<String>> answers = new java.util.concurrent.ConcurrentHashMap<>();
        final AtomicInteger lookups = new AtomicInteger();

        FakeDns answer(String host, String... ips) {
            answers.put(host, List.of(ips));
            return this;
        }

        FakeDns fail(String host) {
            answers.remove(host);
            return this;
        }

        @Override
        public InetAddress[] resolve(String host) throws Exception {
            lookups.incrementAndGet();
            List<String> ips = answers.get(host);
            if (ips == null) {
                throw new UnknownHostException(host + ": Name or service not known");
            }
            InetAddress[] out = new InetAddress[ips.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = InetAddress.getByName(ips.get(i));
            }
            return out;
        }
    }
}
