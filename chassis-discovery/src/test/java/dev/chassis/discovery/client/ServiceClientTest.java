package dev.chassis.discovery.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.chassis.core.context.CorrelationContext;
import dev.chassis.core.context.CorrelationScope;
import dev.chassis.core.resilience.CircuitBreaker;
import dev.chassis.core.resilience.CircuitBreakerConfig;
import dev.chassis.core.resilience.CircuitBreakerRegistry;
import dev.chassis.discovery.InMemoryServiceRegistry;
import dev.chassis.discovery.Registration;
import dev.chassis.discovery.HealthCheckSpec;
import dev.chassis.discovery.ServiceInstance;
import dev.chassis.discovery.balancer.CallOutcome;
import dev.chassis.discovery.balancer.LoadBalancer;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Scope;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ServiceClientTest {
    private final InMemoryServiceRegistry registry = InMemoryServiceRegistry.create();
    private final List<TestInstance> instances = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(1)).build();

    @AfterEach
    void stopInstances() {
        instances.forEach(TestInstance::close);
        registry.close();
    }

    @Test
    void sendsToAnInstanceKeepingMethodPathAndQuery() {
        // given
        TestInstance a = instance("orders-a");
        ServiceClient client = ServiceClient.builder(registry).httpClient(http).build();

        // when
        HttpResponse<String> response = client.send(get("http://orders/orders/1?lines=all&q=a%20b"),
                HttpResponse.BodyHandlers.ofString());

        // then
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("orders-a");
        assertThat(a.lastRequestLine()).isEqualTo("GET /orders/1?lines=all&q=a%20b");
        assertThat(response.uri().getPort()).isEqualTo(a.instance().port());
    }

    @Test
    void spreadsLoadAsTheRoundRobinBalancerPromises() {
        // given
        TestInstance a = instance("orders-a");
        TestInstance b = instance("orders-b");
        TestInstance c = instance("orders-c");
        ServiceClient client = ServiceClient.builder(registry).httpClient(http).loadBalancer(LoadBalancer.roundRobin()).build();

        // when
        for (int i = 0; i < 30; i++) {
            assertThat(client.send(get("http://orders/orders/" + i), HttpResponse.BodyHandlers.ofString()).statusCode())
                    .isEqualTo(200);
        }

        // then
        assertThat(List.of(a.requests(), b.requests(), c.requests())).containsExactly(10, 10, 10);
    }

    @Test
    void skipsAnInstanceWhoseBreakerIsOpen() {
        // given: A always fails; its breaker opens after two failures
        TestInstance a = instance("orders-a").status(500);
        TestInstance b = instance("orders-b");
        TestInstance c = instance("orders-c");
        CircuitBreakerRegistry breakers = CircuitBreakerRegistry.ofDefaults();
        ServiceClient client = ServiceClient.builder(registry).httpClient(http).loadBalancer(LoadBalancer.roundRobin())
                .circuitBreakers(breakers).circuitBreakerConfig(CircuitBreakerConfig.builder().slidingWindowSize(2)
                        .minimumCalls(2).openDuration(Duration.ofMinutes(1)).build())
                .build();
        for (int i = 0; i < 6; i++) {
            client.send(get("http://orders/warm-up"), HttpResponse.BodyHandlers.ofString());
        }
        assertThat(breakers.find("orders/orders-a")).get().extracting(CircuitBreaker::state)
                .isEqualTo(CircuitBreaker.State.OPEN);
        int aBefore = a.requests();

        // when
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            statuses.add(client.send(get("http://orders/orders/" + i), HttpResponse.BodyHandlers.ofString()).statusCode());
        }

        // then
        assertThat(aBefore).isEqualTo(2);
        assertThat(a.requests()).isEqualTo(aBefore);
        assertThat(statuses).containsOnly(200);
        assertThat(b.requests() + c.requests()).isGreaterThanOrEqualTo(30);
    }

    @Test
    void retriesAGetOnAnotherInstanceAfterAConnectionFailure() {
        // given: the first instance in turn has nothing listening on its port
        register(ServiceInstance.of("orders", "orders-a", "127.0.0.1", TestInstance.closedPort()));
        TestInstance b = instance("orders-b");
        ServiceClient client = ServiceClient.builder(registry).httpClient(http).loadBalancer(LoadBalancer.roundRobin()).build();

        // when
        HttpResponse<String> response = client.send(get("http://orders/orders/1"), HttpResponse.BodyHandlers.ofString());

        // then
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("orders-b");
        assertThat(b.requests()).isEqualTo(1);
    }

    @Test
    void neverRetriesAPostByDefault() {
        // given
        register(ServiceInstance.of("orders", "orders-a", "127.0.0.1", TestInstance.closedPort()));
        TestInstance b = instance("orders-b");
        ServiceClient client = ServiceClient.builder(registry).httpClient(http).loadBalancer(LoadBalancer.roundRobin()).build();

        // when
        ServiceCallException e = catchThrowableOfType(() -> client.send(post("http://orders/orders", null),
                HttpResponse.BodyHandlers.ofString()), ServiceCallException.class);

        // then
        assertThat(e).isExactlyInstanceOf(ServiceCallException.class);
        assertThat(e.attempts()).hasSize(1);
        assertThat(e.attempts().get(0).instanceId()).isEqualTo("orders-a");
        assertThat(e.attempts().get(0).outcome()).isEqualTo(CallOutcome.CONNECTION_FAILURE);
        assertThat(e.getMessage()).contains("service 'orders'", "not retried: POST is not idempotent", "Idempotency-Key");
        assertThat(e.isRetryable()).isTrue();
        assertThat(b.requests()).isZero();
    }

    @Test
    void retriesAPostMarkedIdempotent() {
        // given
        register(ServiceInstance.of("orders", "orders-a", "127.0.0.1", TestInstance.closedPort()));
        TestInstance b = instance("orders-b");
        ServiceClient client = ServiceClient.builder(registry).httpClient(http).loadBalancer(LoadBalancer.roundRobin()).build();

        // when
        HttpResponse<String> response = client.send(post("http://orders/orders", "order-7"),
                HttpResponse.BodyHandlers.ofString());

        // then
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(b.requests()).isEqualTo(1);
        assertThat(b.lastRequestLine()).isEqualTo("POST /orders");
        assertThat(b.lastHeaders().getFirst("Idempotency-Key")).isEqualTo("order-7");
    }

    @Test
    void propagatesCorrelationAndTraceHeaders() {
        // given
        TestInstance a = instance("orders-a");
        ServiceClient client = ServiceClient.builder(registry).httpClient(http).build();
        SpanContext span = SpanContext.create("0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331",
                TraceFlags.getSampled(), TraceState.builder().put("vendor", "v1").build());

        // when
        try (CorrelationScope correlation = CorrelationContext.of("order-42", "message-7").makeCurrent();
                Scope trace = Span.wrap(span).makeCurrent()) {
            client.send(get("http://orders/orders/42"), HttpResponse.BodyHandlers.ofString());
        }

        // then
        assertThat(a.lastHeaders().getFirst("x-correlation-id")).isEqualTo("order-42");
        assertThat(a.lastHeaders().getFirst("x-causation-id")).isEqualTo("message-7");
        assertThat(a.lastHeaders().getFirst("traceparent")).isEqualTo("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
        assertThat(a.lastHeaders().getFirst("tracestate")).isEqualTo("vendor=v1");
    }

    @Test
    void keepsHeadersTheRequestSetsAndAddsNoneWithoutContext() {
        // given
        TestInstance a = instance("orders-a");
        ServiceClient client = ServiceClient.builder(registry).httpClient(http).build();

        // when
        client.send(get("http://orders/orders/1"), HttpResponse.BodyHandlers.ofString());
        var withoutContext = a.lastHeaders();
        try (CorrelationScope correlation = CorrelationContext.of("order-42").makeCurrent()) {
            client.send(HttpRequest.newBuilder(URI.create("http://orders/orders/1")).header("x-correlation-id", "mine")
                    .build(), HttpResponse.BodyHandlers.ofString());
        }

        // then
        assertThat(withoutContext.containsKey("x-correlation-id")).isFalse();
        assertThat(withoutContext.containsKey("traceparent")).isFalse();
        assertThat(a.lastHeaders().get("x-correlation-id")).containsExactly("mine");
    }

    @Test
    void failsClearlyWhenNoInstanceIsRegistered() {
        // given
        ServiceClient client = ServiceClient.builder(registry).httpClient(http).build();

        // when / then
        assertThatThrownBy(() -> client.send(get("http://payments/charges/1"), HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(NoInstanceAvailableException.class)
                .hasMessageContaining("no healthy instance of service 'payments'")
                .satisfies(e -> assertThat(((ServiceCallException) e).service()).isEqualTo("payments"));
    }

    @Test
    void failsClearlyWhenEveryBreakerIsOpen() {
        // given: one instance whose breaker opens at its first failure
        TestInstance a = instance("orders-a").status(503);
        ServiceClient client = ServiceClient.builder(registry).httpClient(http)
                .circuitBreakerConfig(CircuitBreakerConfig.builder().slidingWindowSize(1).minimumCalls(1)
                        .openDuration(Duration.ofMinutes(1)).build())
                .build();
        HttpResponse<String> first = client.send(get("http://orders/orders/1"), HttpResponse.BodyHandlers.ofString());

        // when
        AllCircuitsOpenException e = catchThrowableOfType(() -> client.send(get("http://orders/orders/1"),
                HttpResponse.BodyHandlers.ofString()), AllCircuitsOpenException.class);

        // then
        assertThat(first.statusCode()).isEqualTo(503);
        assertThat(a.requests()).isEqualTo(1);
        assertThat(e.openInstanceIds()).containsExactly("orders-a");
        assertThat(e.attempts()).isEmpty();
        assertThat(e.getMessage()).contains("all instances of service 'orders' have open circuit breakers [orders-a]",
                "nothing was sent");
    }

    @Test
    void failsClearlyWhenEveryAttemptTimesOut() {
        // given
        instance("orders-a").delayMillis(3_000);
        instance("orders-b").delayMillis(3_000);
        ServiceClient client = ServiceClient.builder(registry).httpClient(http).timeout(Duration.ofMillis(200))
                .maxAttempts(2).build();

        // when
        ServiceTimeoutException e = catchThrowableOfType(() -> client.send(get("http://orders/orders/1"),
                HttpResponse.BodyHandlers.ofString()), ServiceTimeoutException.class);

        // then
        assertThat(e.timeout()).isEqualTo(Duration.ofMillis(200));
        assertThat(e.attempts()).extracting(Attempt::outcome).containsExactly(CallOutcome.TIMEOUT, CallOutcome.TIMEOUT);
        assertThat(e.attempts()).extracting(Attempt::instanceId).containsExactlyInAnyOrder("orders-a", "orders-b");
        assertThat(e.getMessage()).startsWith("call to service 'orders' timed out after PT0.2S");
    }

    @Test
    void returnsTheLastServerErrorWhenEveryAttemptGotOne() {
        // given
        TestInstance a = instance("orders-a").status(503);
        TestInstance b = instance("orders-b").status(502);
        ServiceClient client = ServiceClient.builder(registry).httpClient(http).loadBalancer(LoadBalancer.roundRobin())
                .maxAttempts(3).build();

        // when
        HttpResponse<String> response = client.send(get("http://orders/orders/1"), HttpResponse.BodyHandlers.ofString());

        // then: A, then B (not tried yet), then either again; the last answer is returned
        assertThat(response.statusCode()).isIn(502, 503);
        assertThat(a.requests() + b.requests()).isEqualTo(3);
        assertThat(List.of(a.requests(), b.requests())).doesNotContain(0);
    }

    @Test
    void ignoresAPortInTheServiceUri() {
        // given
        TestInstance a = instance("orders-a");
        ServiceClient client = ServiceClient.builder(registry).httpClient(http).build();

        // when
        HttpResponse<String> response = client.send(get("http://orders:9/orders/1"), HttpResponse.BodyHandlers.ofString());

        // then
        assertThat(response.body()).isEqualTo("orders-a");
        assertThat(a.requests()).isEqualTo(1);
    }

    @Test
    void sendAsyncRetriesAGetOnAnotherInstanceAfterAConnectionFailure() throws Exception {
        // given
        register(ServiceInstance.of("orders", "orders-a", "127.0.0.1", TestInstance.closedPort()));
        TestInstance b = instance("orders-b");
        ServiceClient client = ServiceClient.builder(registry).httpClient(http).loadBalancer(LoadBalancer.roundRobin()).build();

        // when
        HttpResponse<String> response = client.sendAsync(get("http://orders/orders/1"), HttpResponse.BodyHandlers.ofString())
                .get(10, TimeUnit.SECONDS);

        // then
        assertThat(response.body()).isEqualTo("orders-b");
        assertThat(b.requests()).isEqualTo(1);
    }

    @Test
    void sendAsyncCarriesTheCallersCorrelationToEveryAttempt() throws Exception {
        // given: the first attempt fails, the second runs on another thread
        register(ServiceInstance.of("orders", "orders-a", "127.0.0.1", TestInstance.closedPort()));
        TestInstance b = instance("orders-b");
        ServiceClient client = ServiceClient.builder(registry).httpClient(http).loadBalancer(LoadBalancer.roundRobin()).build();

        // when
        CompletableFuture<HttpResponse<String>> future;
        try (CorrelationScope correlation = CorrelationContext.of("order-42").makeCurrent()) {
            future = client.sendAsync(get("http://orders/orders/42"), HttpResponse.BodyHandlers.ofString());
        }
        future.get(10, TimeUnit.SECONDS);

        // then
        assertThat(b.lastHeaders().getFirst("x-correlation-id")).isEqualTo("order-42");
    }

    @Test
    void sendAsyncFailsTheFutureWithTheSameTypedErrors() {
        // given
        register(ServiceInstance.of("orders", "orders-a", "127.0.0.1", TestInstance.closedPort()));
        ServiceClient client = ServiceClient.builder(registry).httpClient(http).build();

        // when
        CompletableFuture<HttpResponse<String>> noInstance = client.sendAsync(get("http://payments/charges/1"),
                HttpResponse.BodyHandlers.ofString());
        CompletableFuture<HttpResponse<String>> post = client.sendAsync(post("http://orders/orders", null),
                HttpResponse.BodyHandlers.ofString());

        // then
        assertThat(noInstance).failsWithin(Duration.ofSeconds(10)).withThrowableOfType(ExecutionException.class)
                .havingCause().isInstanceOf(NoInstanceAvailableException.class);
        assertThat(post).failsWithin(Duration.ofSeconds(10)).withThrowableOfType(ExecutionException.class)
                .havingCause().isExactlyInstanceOf(ServiceCallException.class)
                .withMessageContaining("not retried: POST is not idempotent");
    }

    private TestInstance instance(String id) {
        TestInstance instance = TestInstance.start("orders", id);
        instances.add(instance);
        register(instance.instance());
        return instance;
    }

    private void register(ServiceInstance instance) {
        registry.register(new Registration(instance, HealthCheckSpec.none()));
    }

    private static HttpRequest get(String uri) {
        return HttpRequest.newBuilder(URI.create(uri)).GET().build();
    }

    private static HttpRequest post(String uri, String idempotencyKey) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(uri)).POST(HttpRequest.BodyPublishers.ofString("{}"));
        if (idempotencyKey != null) {
            b.header(ServiceClient.IDEMPOTENCY_KEY_HEADER, idempotencyKey);
        }
        return b.build();
    }
}
