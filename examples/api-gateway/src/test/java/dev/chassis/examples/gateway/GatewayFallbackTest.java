package dev.chassis.examples.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.chassis.core.resilience.CircuitBreaker;
import dev.chassis.core.resilience.CircuitBreakerConfig;
import dev.chassis.discovery.HealthCheckSpec;
import dev.chassis.discovery.InMemoryServiceRegistry;
import dev.chassis.discovery.Registration;
import dev.chassis.discovery.ServiceInstance;
import dev.chassis.discovery.balancer.LoadBalancer;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The order route while order-service is missing, refusing connections, slow or failing. */
class GatewayFallbackTest {
    private static final String UNAVAILABLE = "{\"error\":\"Service temporarily unavailable\"}";

    private RecordingUpstream orders;
    private InMemoryServiceRegistry registry;
    private ApiGateway gateway;
    private int port;

    @BeforeEach
    void startGateway() throws IOException {
        orders = RecordingUpstream.start("order-service");
        registry = InMemoryServiceRegistry.create();
        gateway = ApiGateway.builder(registry)
                .host("127.0.0.1")
                .port(0)
                .loadBalancer(LoadBalancer.roundRobin())
                .upstreamTimeout(Duration.ofMillis(1500))
                .circuitBreaker(CircuitBreakerConfig.builder()
                        .minimumCalls(4)
                        .slidingWindowSize(4)
                        .failureRateThreshold(50)
                        .openDuration(Duration.ofMillis(500))
                        .halfOpenPermits(1)
                        .build())
                .build()
                .start();
        port = gateway.port();
    }

    @AfterEach
    void stop() {
        gateway.close();
        registry.close();
        orders.close();
    }

    @Test
    void answers503JsonWhenTheServiceHasNoInstance() throws IOException {
        // when
        RawHttp.Reply reply = RawHttp.get(port, "/api/orders/7", "x-correlation-id: order-flow-1");

        // then
        assertThat(reply.status()).isEqualTo(503);
        assertThat(reply.header("content-type")).startsWith("application/json");
        assertThat(reply.body()).isEqualTo(UNAVAILABLE);
        assertThat(reply.header("x-correlation-id")).isEqualTo("order-flow-1");
    }

    @Test
    void answers503JsonWhenTheInstanceRefusesConnections() throws IOException {
        // given
        register("orders-dead", freePortWithNothingListening());

        // when
        RawHttp.Reply reply = RawHttp.get(port, "/api/orders/7");

        // then
        assertThat(reply.status()).isEqualTo(503);
        assertThat(reply.body()).isEqualTo(UNAVAILABLE);
    }

    @Test
    void answers504JsonWhenTheUpstreamIsTooSlow() throws IOException {
        // given
        register("orders-1", orders.port());
        orders.delay(Duration.ofSeconds(5));

        // when
        long start = System.nanoTime();
        RawHttp.Reply reply = RawHttp.get(port, "/api/orders/7");
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        // then
        assertThat(reply.status()).isEqualTo(504);
        assertThat(reply.body()).isEqualTo("{\"error\":\"Upstream timed out\"}");
        assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(1500)).isLessThan(Duration.ofMillis(4900));
    }

    @Test
    void passesAnUpstream5xxThroughAndCountsIt() throws IOException {
        // given
        register("orders-1", orders.port());
        orders.answer(500);

        // when
        RawHttp.Reply reply = RawHttp.get(port, "/api/orders/7");

        // then
        assertThat(reply.status()).isEqualTo(500);
        assertThat(reply.body()).isEqualTo("{\"upstream\":\"order-service\"}");
        CircuitBreaker breaker = gateway.circuitBreakers().find("gateway/api/orders").orElseThrow();
        assertThat(breaker.metrics().failedCalls()).isEqualTo(1);
    }

    @Test
    void opensTheBreakerAfterFailuresAndRecovers() throws IOException {
        // given: an instance that fails every call
        register("orders-1", orders.port());
        orders.answer(503);
        CircuitBreaker breaker = gateway.circuitBreakers().find("gateway/api/orders").orElseThrow();

        // when: enough failures to open the breaker
        for (int i = 0; i < 4; i++) {
            assertThat(RawHttp.get(port, "/api/orders/" + i).status()).isEqualTo(503);
        }

        // then: calls are answered by the fallback without reaching the service
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
        int seen = orders.requests().size();
        RawHttp.Reply whileOpen = RawHttp.get(port, "/api/orders/9");
        assertThat(whileOpen.status()).isEqualTo(503);
        assertThat(whileOpen.body()).isEqualTo(UNAVAILABLE);
        assertThat(orders.requests()).hasSize(seen);

        // when: the service recovers and the open duration passes
        orders.answer(200);

        // then: a probe goes through and the breaker closes again
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100))
                .until(() -> RawHttp.get(port, "/api/orders/10").status() == 200);
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(RawHttp.get(port, "/api/orders/11").body()).isEqualTo("{\"upstream\":\"order-service\"}");
    }

    @Test
    void keepsOtherRoutesWorkingWhileOneBreakerIsOpen() throws IOException {
        // given
        register("orders-1", orders.port());
        orders.answer(500);
        try (RecordingUpstream users = RecordingUpstream.start("user-service")) {
            registry.register(new Registration(ServiceInstance.of("user-service", "users-1", "127.0.0.1", users.port()),
                    HealthCheckSpec.none()));
            for (int i = 0; i < 4; i++) {
                RawHttp.get(port, "/api/orders/" + i);
            }

            // when
            RawHttp.Reply ordersReply = RawHttp.get(port, "/api/orders/5");
            RawHttp.Reply usersReply = RawHttp.get(port, "/api/users/5");

            // then
            assertThat(ordersReply.body()).isEqualTo(UNAVAILABLE);
            assertThat(usersReply.status()).isEqualTo(200);
            assertThat(users.last().rawPath()).isEqualTo("/users/5");
        }
    }

    private void register(String id, int upstreamPort) {
        registry.register(new Registration(ServiceInstance.of("order-service", id, "127.0.0.1", upstreamPort),
                HealthCheckSpec.none()));
    }

    private static int freePortWithNothingListening() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
