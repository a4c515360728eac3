package dev.chassis.discovery.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chassis.core.context.CorrelationContext;
import dev.chassis.core.context.CorrelationScope;
import dev.chassis.core.resilience.CircuitBreakerRegistry;
import dev.chassis.discovery.HealthCheckSpec;
import dev.chassis.discovery.InMemoryServiceRegistry;
import dev.chassis.discovery.Registration;
import dev.chassis.discovery.ServiceInstance;
import dev.chassis.discovery.balancer.LoadBalancer;
import dev.chassis.discovery.balancer.OutlierEjection;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Runs the samples of the "Load balancing" and "The service client" sections of docs/discovery.md. */
class DiscoveryClientDocsTest {
    private final InMemoryServiceRegistry registry = InMemoryServiceRegistry.create();
    private final TestInstance orders = TestInstance.start("order-service", "order-service-1");

    @AfterEach
    void stop() {
        orders.close();
    }

    @Test
    void loadBalancingSamples() {
        // given
        registry.register(new Registration(orders.instance(), HealthCheckSpec.none()));
        ServiceInstance zoned = new ServiceInstance("order-service", "order-service-2", "10.0.0.9", 8080, Set.of(),
                Map.of("zone", "eu-1a"));
        registry.register(new Registration(zoned, HealthCheckSpec.none()));

        // when
        LoadBalancer balancer = LoadBalancer.powerOfTwoChoices()
                .withOutlierEjection(OutlierEjection.builder()
                        .consecutiveFailures(5)
                        .baseEjectionTime(Duration.ofSeconds(1))
                        .maxEjectionTime(Duration.ofMinutes(1))
                        .build());
        ServiceInstance chosen = balancer.choose("order-service", registry.healthyInstances("order-service"));

        LoadBalancer sameZoneFirst = new LoadBalancer() {
            private final LoadBalancer inner = LoadBalancer.roundRobin();

            @Override
            public ServiceInstance choose(String service, List<ServiceInstance> candidates) {
                List<ServiceInstance> local = candidates.stream()
                        .filter(i -> "eu-1a".equals(i.metadata().get("zone")))
                        .toList();
                return inner.choose(service, local.isEmpty() ? candidates : local);
            }
        };

        // then
        assertThat(chosen.service()).isEqualTo("order-service");
        assertThat(sameZoneFirst.choose("order-service", registry.healthyInstances("order-service"))).isEqualTo(zoned);
    }

    @Test
    void serviceClientSamples() {
        // given
        registry.register(new Registration(orders.instance(), HealthCheckSpec.none()));
        LoadBalancer balancer = LoadBalancer.roundRobin();
        List<String> problems = new ArrayList<>();

        // when
        CircuitBreakerRegistry breakers = CircuitBreakerRegistry.ofDefaults();
        ServiceClient client = ServiceClient.builder(registry)
                .loadBalancer(balancer)
                .circuitBreakers(breakers)
                .timeout(Duration.ofSeconds(2))
                .maxAttempts(3)
                .build();
        HttpResponse<String> order = client.send(
                HttpRequest.newBuilder(URI.create("http://order-service/orders/1")).build(),
                HttpResponse.BodyHandlers.ofString());
        String getLine = orders.lastRequestLine();

        CompletableFuture<HttpResponse<String>> later = client.sendAsync(
                HttpRequest.newBuilder(URI.create("http://order-service/orders/1")).build(),
                HttpResponse.BodyHandlers.ofString());

        HttpRequest create = HttpRequest.newBuilder(URI.create("http://order-service/orders"))
                .header(ServiceClient.IDEMPOTENCY_KEY_HEADER, "order-7f3a")
                .POST(HttpRequest.BodyPublishers.ofString("{\"sku\":\"A-1\"}"))
                .build();
        HttpResponse<String> created = client.send(create, HttpResponse.BodyHandlers.ofString());

        // answered before the next call, whose headers the stub's lastHeaders() then holds
        assertThat(later).succeedsWithin(Duration.ofSeconds(10));
        try (CorrelationScope scope = CorrelationContext.of("checkout-42").makeCurrent()) {
            client.send(HttpRequest.newBuilder(URI.create("http://order-service/orders/1")).build(),
                    HttpResponse.BodyHandlers.discarding());
        }
        String correlationId = orders.lastHeaders().getFirst("x-correlation-id");

        try {
            client.send(HttpRequest.newBuilder(URI.create("http://payment-service/charges/9")).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (NoInstanceAvailableException e) {
            problems.add("not deployed: " + e.service());
        } catch (ServiceCallException e) {
            problems.add(e.service() + " failed after " + e.attempts());
        }

        // then
        assertThat(order.statusCode()).isEqualTo(200);
        assertThat(getLine).isEqualTo("GET /orders/1");
        assertThat(later).succeedsWithin(Duration.ofSeconds(10)).extracting(HttpResponse::statusCode).isEqualTo(200);
        assertThat(created.statusCode()).isEqualTo(200);
        assertThat(correlationId).isEqualTo("checkout-42");
        assertThat(problems).containsExactly("not deployed: payment-service");
        assertThat(breakers.find("order-service/order-service-1")).isPresent();
    }
}
