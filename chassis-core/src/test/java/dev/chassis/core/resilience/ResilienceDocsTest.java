package dev.chassis.core.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chassis.core.admin.AdminRoute;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/** Runs the code samples of docs/resilience.md; keep both in step. */
class ResilienceDocsTest {
    interface Gateway {
        String charge(String orderId);
    }

    interface AsyncGateway {
        CompletionStage<String> charge(String orderId);
    }

    private final Gateway gateway = orderId -> "receipt:" + orderId;
    private final AsyncGateway asyncGateway = orderId -> CompletableFuture.completedFuture("receipt:" + orderId);

    @Test
    void quickStart() {
        // given / when
        CircuitBreakerRegistry breakers = CircuitBreakerRegistry.ofDefaults();
        Resilience payments = Resilience.builder("payments")
                .circuitBreaker(breakers.circuitBreaker("payments"))
                .retry(Retry.ofDefaults())
                .timeout(Timeout.of(Duration.ofSeconds(2)))
                .bulkhead(Bulkhead.of("payments", 10))
                .build();

        String receipt = payments.call(() -> gateway.charge("order-42"));
        String orQueued = payments.call(() -> gateway.charge("order-42"), failure -> "queued:order-42");
        CompletionStage<String> later = payments.callAsync(() -> asyncGateway.charge("order-42"));

        // then
        assertThat(receipt).isEqualTo("receipt:order-42");
        assertThat(orQueued).isEqualTo("receipt:order-42");
        assertThat(later.toCompletableFuture()).succeedsWithin(Duration.ofSeconds(5)).isEqualTo("receipt:order-42");
    }

    @Test
    void retryConfiguration() {
        // given / when
        Retry retry = Retry.builder()
                .maxAttempts(5)
                .initialDelay(Duration.ofMillis(200))
                .maxDelay(Duration.ofSeconds(5))
                .retryOn(e -> !(e instanceof IllegalArgumentException))
                .build();

        // then
        assertThat(retry.maxAttempts()).isEqualTo(5);
        assertThat(retry.retryOn()).rejects(new IllegalArgumentException());
    }

    @Test
    void breakerConfigurationAndEvents() {
        // given: System.out captured, as the sample prints there
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.out;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            // when
            CircuitBreakerRegistry breakers = CircuitBreakerRegistry.of(Clock.systemUTC(),
                    CircuitBreakerConfig.builder()
                            .timeout(Duration.ofSeconds(1))
                            .openDuration(Duration.ofSeconds(10))
                            .build());
            CircuitBreaker inventory = breakers.circuitBreaker("inventory");
            inventory.events().onStateChange(change -> System.out.println(change.breakerName() + " is now " + change.to()));
            inventory.reset();
            Resilience policy = Resilience.builder("inventory").circuitBreaker(inventory).build();
            for (int i = 0; i < 10; i++) {
                policy.call(() -> {
                    throw new IllegalStateException("down");
                }, failure -> "ignored");
            }

            // then: listeners run on the caller's thread, so the line is printed by now
            assertThat(inventory.state()).isEqualTo(CircuitBreaker.State.OPEN);
        } finally {
            System.setOut(original);
        }
        assertThat(captured.toString(StandardCharsets.UTF_8).lines())
                .filteredOn(line -> line.contains(" is now "))
                .containsExactly("inventory is now OPEN");
    }

    @Test
    void handlingTheTypedErrors() {
        // given
        CircuitBreakerRegistry breakers = CircuitBreakerRegistry.ofDefaults();
        CircuitBreaker breaker = breakers.circuitBreaker("payments");
        Resilience payments = Resilience.builder("payments").circuitBreaker(breaker).build();
        for (int i = 0; i < 10; i++) {
            payments.call(() -> {
                throw new IllegalStateException("down");
            }, failure -> "ignored");
        }
        String outcome;

        // when
        try {
            outcome = payments.call(() -> gateway.charge("order-42"));
        } catch (CircuitOpenException e) {
            outcome = "breaker " + e.breakerName() + " open, retry after " + e.retryAfter();
        } catch (TimeoutExceededException e) {
            outcome = e.name() + " timed out after " + e.timeout();
        } catch (BulkheadFullException e) {
            outcome = "bulkhead " + e.bulkheadName() + " full";
        }

        // then
        assertThat(outcome).startsWith("breaker payments open, retry after PT");
    }

    @Test
    void adminRoutes() {
        // given
        CircuitBreakerRegistry breakers = CircuitBreakerRegistry.ofDefaults();

        // when
        List<AdminRoute> routes = breakers.adminRoutes();

        // then
        assertThat(routes).hasSize(2);
    }
}
