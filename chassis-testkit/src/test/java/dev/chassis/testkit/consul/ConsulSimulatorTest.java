package dev.chassis.testkit.consul;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ConsulSimulatorTest {
    private final ConsulSimulator consul = ConsulSimulator.start();

    @AfterEach
    void close() {
        consul.close();
    }

    @Test
    void ttlCheckStartsCriticalPassesOnUpdateAndExpiresWithTheClock() {
        // given
        AgentCalls.put(consul, "/v1/agent/service/register",
                "{\"ID\":\"orders-1\",\"Name\":\"orders\",\"Port\":8080,\"Check\":{\"TTL\":\"10s\"}}");
        assertThat(consul.checkStatus("service:orders-1")).contains(CheckStatus.CRITICAL);

        // when
        HttpResponse<String> pass = AgentCalls.put(consul, "/v1/agent/check/pass/service:orders-1", "");

        // then
        assertThat(pass.statusCode()).isEqualTo(200);
        assertThat(consul.checkStatus("service:orders-1")).contains(CheckStatus.PASSING);
        consul.advance(Duration.ofSeconds(11));
        assertThat(consul.checkStatus("service:orders-1")).contains(CheckStatus.CRITICAL);
    }

    @Test
    void reapsAServiceCriticalForItsDeregistrationDelay() {
        // given
        AgentCalls.put(consul, "/v1/agent/service/register", "{\"ID\":\"orders-1\",\"Name\":\"orders\",\"Port\":8080,"
                + "\"Check\":{\"TTL\":\"10s\",\"Status\":\"passing\",\"DeregisterCriticalServiceAfter\":\"1m\"}}");

        // when
        consul.advance(Duration.ofSeconds(11));
        boolean stillThereWhileCritical = consul.services().containsKey("orders-1");
        consul.advance(Duration.ofSeconds(61));

        // then
        assertThat(stillThereWhileCritical).isTrue();
        assertThat(consul.services()).isEmpty();
    }

    @Test
    void answersUnknownChecksWith404AndChecksWithoutTtlWith500() {
        // given
        AgentCalls.registerHttpChecked(consul, "orders", "orders-1", 8080);

        // when
        HttpResponse<String> unknown = AgentCalls.put(consul, "/v1/agent/check/update/service:nope", "{\"Status\":\"passing\"}");
        HttpResponse<String> noTtl = AgentCalls.put(consul, "/v1/agent/check/pass/service:orders-1", "");

        // then
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(noTtl.statusCode()).isEqualTo(500);
        assertThat(noTtl.body()).contains("does not have associated TTL");
    }

    @Test
    void blockingQueryWaitsForAChangeAndCarriesTheIndex() throws Exception {
        // given
        AgentCalls.registerHttpChecked(consul, "orders", "orders-1", 8080);
        long index = consul.index();
        CompletableFuture<HttpResponse<String>> blocked = CompletableFuture.supplyAsync(
                () -> AgentCalls.get(consul, "/v1/health/service/orders?passing=true&index=" + index + "&wait=5s"));

        // when
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> consul.requestCount("GET /v1/health/service") == 1);
        boolean answeredBeforeChange = blocked.isDone();
        consul.setServiceStatus("orders-1", CheckStatus.CRITICAL);

        // then
        HttpResponse<String> answer = blocked.get(5, TimeUnit.SECONDS);
        assertThat(answeredBeforeChange).isFalse();
        assertThat(answer.headers().firstValue("X-Consul-Index")).contains(Long.toString(index + 1));
        assertThat(answer.body()).isEqualTo("[]");
    }

    @Test
    void blockingQueryAnswersAfterTheWait() {
        // given
        AgentCalls.registerHttpChecked(consul, "orders", "orders-1", 8080);
        long start = System.nanoTime();

        // when
        HttpResponse<String> answer = AgentCalls.get(consul, "/v1/health/service/orders?index=" + consul.index() + "&wait=300ms");

        // then
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        assertThat(answer.body()).contains("\"ID\":\"orders-1\"");
    }

    @Test
    void forgetAllRemovesEverything() {
        // given
        AgentCalls.registerHttpChecked(consul, "orders", "orders-1", 8080);

        // when
        consul.forgetAll();

        // then
        assertThat(consul.services()).isEmpty();
        assertThat(AgentCalls.get(consul, "/v1/agent/service/orders-1").statusCode()).isEqualTo(404);
    }

    @Test
    void resetFaultClosesTheConnectionAnd500FaultAnswers500() {
        // given
        consul.fault("/v1/health/", Fault.RESET);
        consul.fault("/v1/agent/", Fault.ERROR_500);

        // when / then
        assertThatThrownBy(() -> AgentCalls.get(consul.uri().resolve("/v1/health/service/orders"), Duration.ofSeconds(2)))
                .isInstanceOf(IOException.class);
        assertThat(AgentCalls.get(consul, "/v1/agent/services").statusCode()).isEqualTo(500);
        consul.heal();
        assertThat(AgentCalls.get(consul, "/v1/agent/services").statusCode()).isEqualTo(200);
    }

    @Test
    void recordsEveryRequestWithHeadersAndCountsPerEndpoint() {
        // given
        AgentCalls.registerHttpChecked(consul, "orders", "orders-1", 8080);

        // when
        AgentCalls.get(consul, "/v1/health/service/orders?passing=true");
        AgentCalls.get(consul, "/v1/health/service/orders");

        // then
        assertThat(consul.requestCounts()).containsEntry("PUT /v1/agent/service/register", 1L)
                .containsEntry("GET /v1/health/service", 2L);
        RecordedRequest first = consul.requests().get(0);
        assertThat(first.body()).contains("orders-1");
        assertThat(first.header("Content-Length")).isNotNull();
        assertThat(consul.requests().get(1).uri()).isEqualTo("/v1/health/service/orders?passing=true");
    }

    @Test
    void rejectsRequestsWithoutTheAclToken() {
        try (ConsulSimulator secured = ConsulSimulator.builder().aclToken("t0k3n").start()) {
            // when
            HttpResponse<String> answer = AgentCalls.get(secured, "/v1/agent/services");

            // then
            assertThat(answer.statusCode()).isEqualTo(403);
        }
    }
}
