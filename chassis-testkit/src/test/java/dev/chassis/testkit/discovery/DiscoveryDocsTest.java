package dev.chassis.testkit.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chassis.core.admin.AdminServer;
import dev.chassis.core.config.Config;
import dev.chassis.core.health.HealthRegistry;
import dev.chassis.core.lifecycle.Lifecycle;
import dev.chassis.core.lifecycle.LifecycleComponent;
import dev.chassis.core.lifecycle.ShutdownPhase;
import dev.chassis.core.lifecycle.ShutdownReport;
import dev.chassis.discovery.HealthCheckSpec;
import dev.chassis.discovery.InMemoryServiceRegistry;
import dev.chassis.discovery.Registration;
import dev.chassis.discovery.ServiceInstance;
import dev.chassis.discovery.ServiceRegistry;
import dev.chassis.discovery.StaticServiceRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Runs the samples of docs/discovery.md. */
class DiscoveryDocsTest {
    private final HttpClient client = HttpClient.newHttpClient();
    private final List<String> seenWhileDraining = new CopyOnWriteArrayList<>();

    static Registration registration(String host, int port, int adminPort) {
        ServiceInstance self = ServiceInstance.of("order-service", "order-service-" + host + "-" + port, host, port);
        URI health = URI.create("http://" + host + ":" + adminPort + "/health");
        return new Registration(self, HealthCheckSpec.http(health, Duration.ofSeconds(10)));
    }

    static Registration ttlRegistration(String host, int port) {
        ServiceInstance self = ServiceInstance.of("order-service", "order-service-" + host + "-" + port, host, port);
        return new Registration(self, HealthCheckSpec.ttl(Duration.ofSeconds(15))
                .withDeregisterCriticalAfter(Duration.ofMinutes(5)));
    }

    @Test
    void registersWithAnHttpCheckOnTheHealthEndpointAndLeavesInTheDocumentedOrder() throws Exception {
        // given: the documented wiring
        String host = "127.0.0.1";
        Duration propagationDelay = Duration.ofMillis(50);
        Consumers consumers = new Consumers();
        HealthRegistry health = HealthRegistry.builder().build();
        AdminServer admin = AdminServer.builder()
                .port(0)                          // 0 = any free port; 8081 by default
                .routes(health.adminRoutes())
                .build();
        ServiceRegistry registry = InMemoryServiceRegistry.create();   // a Consul registry in production

        Lifecycle lifecycle = Lifecycle.ofDefaults();
        lifecycle.add(LifecycleComponent.of("admin-server", admin::start, admin::close));
        lifecycle.add(LifecycleComponent.of("registration",
                () -> registry.register(registration(host, 8080, admin.port())),
                () -> { }));
        lifecycle.onShutdown(ShutdownPhase.READINESS_DOWN, "readiness", health::markShuttingDown);
        lifecycle.onShutdown(ShutdownPhase.DEREGISTER, "deregister",
                registry.deregistration("order-service-" + host + "-8080", propagationDelay));
        lifecycle.onShutdown(ShutdownPhase.DRAIN, "consumers", consumers::stop);
        lifecycle.onShutdown(ShutdownPhase.CLOSE, "registry", registry::close);
        lifecycle.installShutdownHook();
        lifecycle.start();

        consumers.whenStopped = () -> seenWhileDraining.add("instances " + registry.healthyInstances("order-service").size()
                + ", ready " + status(URI.create("http://127.0.0.1:" + admin.port() + "/ready")));
        Registration registered = ((InMemoryServiceRegistry) registry).registrations().get("order-service-127.0.0.1-8080");
        assertThat(registered.check().kind()).isEqualTo(HealthCheckSpec.Kind.HTTP);
        assertThat(registered.check().url()).isEqualTo(URI.create("http://127.0.0.1:" + admin.port() + "/health"));
        assertThat(status(registered.check().url())).isEqualTo(200);
        assertThat(registry.healthyInstances("order-service")).extracting(ServiceInstance::port).containsExactly(8080);

        // when
        ShutdownReport report = lifecycle.shutdown();

        // then
        assertThat(report.isClean()).as("report %s", report).isTrue();
        assertThat(report.steps()).extracting(ShutdownReport.Step::name)
                .containsExactly("readiness", "deregister", "consumers", "registration", "admin-server",
                        "registry");
        assertThat(seenWhileDraining).containsExactly("instances 0, ready 503");
    }

    @Test
    void buildsATtlRegistration() {
        // when
        Registration registration = ttlRegistration("10.0.0.7", 8080);

        // then
        assertThat(registration.instance().id()).isEqualTo("order-service-10.0.0.7-8080");
        assertThat(registration.check().kind()).isEqualTo(HealthCheckSpec.Kind.TTL);
        assertThat(registration.check().ttl()).isEqualTo(Duration.ofSeconds(15));
        assertThat(registration.check().deregisterCriticalAfter()).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void buildsAStaticRegistryInCode() {
        // given
        StaticServiceRegistry registry = StaticServiceRegistry.builder()
                .addInstances("payment-service", "10.0.0.21:8080,10.0.0.22:8080")
                .addDnsName("order-service", "order-service.shop.svc.cluster.local:8080")
                .refreshInterval(Duration.ofSeconds(10))
                .build();

        // when
        List<ServiceInstance> payments = registry.healthyInstances("payment-service");

        // then: outside a cluster the name does not resolve, and the service stays empty
        assertThat(payments).extracting(ServiceInstance::id).containsExactly("10.0.0.21:8080", "10.0.0.22:8080");
        assertThat(registry.healthyInstances("order-service")).isEmpty();
        registry.close();
    }

    @Test
    void buildsAStaticRegistryFromConfiguration() {
        // given: what a Deployment's env section sets, with a name that resolves here
        Config config = Config.builder()
                .declare(StaticServiceRegistry.configKeys("order-service", "payment-service"))
                .env(Map.of("CHASSIS_DISCOVERY_DNS_ORDER_SERVICE", "localhost:8080",
                        "CHASSIS_DISCOVERY_STATIC_PAYMENT_SERVICE", "10.0.0.21:8080,10.0.0.22:8080"))
                .systemProperties(Map.of())
                .build();

        // when
        StaticServiceRegistry registry = StaticServiceRegistry.builder()
                .fromConfig(config, "order-service", "payment-service")
                .build();

        // then
        assertThat(registry.healthyInstances("payment-service")).hasSize(2);
        assertThat(registry.healthyInstances("order-service")).isNotEmpty().allSatisfy(i -> {
            assertThat(i.port()).isEqualTo(8080);
            assertThat(i.metadata()).containsEntry(StaticServiceRegistry.DNS_NAME_METADATA, "localhost");
        });
        registry.close();
    }

    private int status(URI uri) throws Exception {
        return client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** Stands in for the service's message consumers; checks what holds when they stop. */
    static final class Consumers {
        volatile Check whenStopped = () -> { };

        void stop() throws Exception {
            whenStopped.run();
        }

        interface Check {
            void run() throws Exception;
        }
    }
}
