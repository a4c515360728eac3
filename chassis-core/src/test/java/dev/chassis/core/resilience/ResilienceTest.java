package dev.chassis.core.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.chassis.core.MutableClock;
import dev.chassis.core.resilience.CircuitBreaker.State;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ResilienceTest {
    private static final Duration WAIT = Duration.ofSeconds(5);

    private final MutableClock clock = MutableClock.startingAt("2026-01-01T00:00:00Z");
    private final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void stopThreads() {
        threads.shutdownNow();
    }

    @Test
    void aCallWithNoPoliciesJustRuns() throws Exception {
        // given
        Resilience policy = Resilience.builder("plain").build();
        AtomicInteger runs = new AtomicInteger();

        // when
        policy.run(runs::incrementAndGet);

        // then
        assertThat(runs).hasValue(1);
        assertThat(policy.call(() -> 42)).isEqualTo(42);
        assertThat(policy.callAsync(() -> CompletableFuture.completedFuture("a")).toCompletableFuture())
                .succeedsWithin(WAIT).isEqualTo("a");
    }

    @Test
    void aSlowCallIsInterruptedAndFailsWithTheTimeoutsName() {
        // given
        Resilience policy = Resilience.builder("search").timeout(Timeout.of(Duration.ofMillis(100))).build();
        CountDownLatch never = new CountDownLatch(1);
        AtomicBoolean interrupted = new AtomicBoolean();

        // when / then
        assertThatThrownBy(() -> policy.call(() -> {
            try {
                never.await();
            } catch (InterruptedException e) {
                interrupted.set(true);
                throw e;
            }
            return "never";
        })).isInstanceOfSatisfying(TimeoutExceededException.class, e -> {
            assertThat(e.name()).isEqualTo("search");
            assertThat(e.timeout()).isEqualTo(Duration.ofMillis(100));
        });
        assertThat(interrupted).isTrue();
    }

    @Test
    void aTimeoutWithoutInterruptFailsTheAttemptOnlyAfterItReturns() throws Exception {
        // given
        Resilience policy = Resilience.builder("search")
                .timeout(Timeout.of(Duration.ofMillis(50)).withoutInterrupt())
                .build();
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean interrupted = new AtomicBoolean();
        Future<String> caller = threads.submit(() -> policy.call(() -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                interrupted.set(true);
            }
            return "late";
        }));

        // when: the call keeps running well past the timeout
        await().during(Duration.ofMillis(200)).atMost(WAIT).until(() -> !caller.isDone());
        release.countDown();

        // then
        assertThatThrownBy(caller::get).hasCauseInstanceOf(TimeoutExceededException.class);
        assertThat(interrupted).isFalse();
    }

    @Test
    void theShorterOfBreakerAndTimeoutApplies() {
        // given
        CircuitBreaker breaker = CircuitBreaker.of("search",
                CircuitBreakerConfig.builder().timeout(Duration.ofMillis(100)).build(), clock);
        Resilience policy = Resilience.builder("search-client")
                .circuitBreaker(breaker)
                .timeout(Timeout.of(Duration.ofSeconds(10)))
                .build();

        // when / then
        assertThatThrownBy(() -> policy.call(() -> {
            new CountDownLatch(1).await();
            return "never";
        })).isInstanceOfSatisfying(TimeoutExceededException.class, e -> {
            assertThat(e.name()).isEqualTo("search");
            assertThat(e.timeout()).isEqualTo(Duration.ofMillis(100));
        });
        assertThat(breaker.metrics().failedCalls()).isEqualTo(1);
    }

    @Test
    void anAsyncCallThatNeverCompletesTimesOut() {
        // given
        Resilience policy = Resilience.builder("search").timeout(Timeout.of(Duration.ofMillis(100))).build();
        CompletableFuture<String> never = new CompletableFuture<>();

        // when
        CompletionStage<String> result = policy.callAsync(() -> never);

        // then
        assertThat(result.toCompletableFuture()).failsWithin(WAIT)
                .withThrowableOfType(ExecutionException.class)
                .withCauseInstanceOf(TimeoutExceededException.class);
        assertThat(never).as("the caller's own stage is left alone").isNotDone();
    }

    @Test
    void aHangingAsyncProbeTimesOutAndReopensTheBreaker() {
        // given
        CircuitBreakerConfig config = CircuitBreakerConfig.builder()
                .timeout(Duration.ofMillis(100)).minimumCalls(1).slidingWindowSize(1).halfOpenPermits(1).build();
        CircuitBreaker breaker = CircuitBreaker.of("search", config, clock);
        Resilience policy = Resilience.builder("search").circuitBreaker(breaker).build();
        assertThat(policy.callAsync(() -> CompletableFuture.failedFuture(new IllegalStateException("down")))
                .toCompletableFuture()).failsWithin(WAIT);
        assertThat(breaker.state()).isEqualTo(State.OPEN);
        clock.advance(config.openDuration());

        // when
        CompletionStage<String> probe = policy.callAsync(CompletableFuture::new);

        // then
        assertThat(probe.toCompletableFuture()).failsWithin(WAIT)
                .withThrowableOfType(ExecutionException.class)
                .withCauseInstanceOf(TimeoutExceededException.class);
        await().atMost(WAIT).until(() -> breaker.state() == State.OPEN);
    }

    @Test
    void asyncCallsAreRejectedWhileTheBreakerIsOpen() {
        // given
        CircuitBreaker breaker = CircuitBreaker.of("search",
                CircuitBreakerConfig.builder().minimumCalls(1).slidingWindowSize(1).build(), clock);
        Resilience policy = Resilience.builder("search").circuitBreaker(breaker).build();
        assertThat(policy.callAsync(() -> CompletableFuture.failedFuture(new IllegalStateException("down")))
                .toCompletableFuture()).failsWithin(WAIT);
        AtomicInteger attempts = new AtomicInteger();

        // when
        CompletionStage<String> result = policy.callAsync(() -> {
            attempts.incrementAndGet();
            return CompletableFuture.completedFuture("ok");
        });

        // then
        assertThat(result.toCompletableFuture()).failsWithin(WAIT)
                .withThrowableOfType(ExecutionException.class)
                .withCauseInstanceOf(CircuitOpenException.class);
        assertThat(attempts).hasValue(0);
    }

    @Test
    void aFullBulkheadRejectsCallsUnderConcurrency() throws Exception {
        // given
        Resilience policy = Resilience.builder("reports").bulkhead(Bulkhead.of("reports-db", 2)).build();
        CountDownLatch start = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger running = new AtomicInteger();
        AtomicInteger rejected = new AtomicInteger();
        List<Future<?>> callers = new ArrayList<>();

        // when
        for (int i = 0; i < 16; i++) {
            callers.add(threads.submit(() -> {
                start.await();
                try {
                    return policy.call(() -> {
                        running.incrementAndGet();
                        release.await();
                        return "done";
                    });
                } catch (BulkheadFullException e) {
                    assertThat(e.bulkheadName()).isEqualTo("reports-db");
                    rejected.incrementAndGet();
                    return "rejected";
                }
            }));
        }
        start.countDown();

        // then
        await().atMost(WAIT).until(() -> running.get() + rejected.get() == 16);
        assertThat(running).hasValue(2);
        assertThat(rejected).hasValue(14);
        release.countDown();
        for (Future<?> caller : callers) {
            caller.get();
        }
        assertThat(policy.call(() -> "free again")).isEqualTo("free again");
    }

    @Test
    void rejectionsDoNotCostTheBulkheadAnySlots() {
        // given: both slots held by pending async calls, then many rejections
        Resilience policy = Resilience.builder("reports").bulkhead(Bulkhead.of("reports-db", 2)).build();
        CompletableFuture<String> first = new CompletableFuture<>();
        CompletableFuture<String> second = new CompletableFuture<>();
        CompletionStage<String> a = policy.callAsync(() -> first);
        CompletionStage<String> b = policy.callAsync(() -> second);
        await().atMost(WAIT).untilAsserted(() -> assertThat(policy.callAsync(() -> CompletableFuture.completedFuture("x"))
                .toCompletableFuture()).failsWithin(WAIT)
                .withThrowableOfType(ExecutionException.class)
                .withCauseInstanceOf(BulkheadFullException.class));
        for (int i = 0; i < 10; i++) {
            assertThatThrownBy(() -> policy.call(() -> "sync")).isInstanceOf(BulkheadFullException.class);
        }

        // when
        first.complete("a");
        second.complete("b");

        // then: two calls fit at once again
        assertThat(a.toCompletableFuture()).succeedsWithin(WAIT).isEqualTo("a");
        assertThat(b.toCompletableFuture()).succeedsWithin(WAIT).isEqualTo("b");
        CompletableFuture<String> third = new CompletableFuture<>();
        CompletionStage<String> c = policy.callAsync(() -> third);
        assertThat(policy.call(() -> "fits")).isEqualTo("fits");
        third.complete("c");
        assertThat(c.toCompletableFuture()).succeedsWithin(WAIT).isEqualTo("c");
    }

    @Test
    void bulkheadRejectionsAreNotCountedAsTheDependencysFailures() throws Exception {
        // given
        CircuitBreaker breaker = CircuitBreaker.of("reports",
                CircuitBreakerConfig.builder().minimumCalls(1).slidingWindowSize(1).build(), clock);
        Resilience policy = Resilience.builder("reports")
                .circuitBreaker(breaker)
                .bulkhead(Bulkhead.of("reports-db", 1))
                .build();
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Future<String> holder = threads.submit(() -> policy.call(() -> {
            entered.countDown();
            release.await();
            return "held";
        }));

        // when
        assertThat(entered.await(5, TimeUnit.SECONDS)).isTrue();
        assertThatThrownBy(() -> policy.call(() -> "second")).isInstanceOf(BulkheadFullException.class);

        // then
        assertThat(breaker.state()).isEqualTo(State.CLOSED);
        assertThat(breaker.metrics().bufferedCalls()).isZero();
        release.countDown();
        assertThat(holder).succeedsWithin(WAIT).isEqualTo("held");
    }

    @Test
    void theFallbackAnswersWhenTheCallFailsForGood() {
        // given
        AtomicInteger attempts = new AtomicInteger();
        Resilience policy = Resilience.builder("prices")
                .retry(Retry.builder().initialDelay(Duration.ofMillis(1)).maxDelay(Duration.ofMillis(1)).build())
                .build();

        // when
        String price = policy.call(() -> {
            attempts.incrementAndGet();
            throw new IllegalStateException("down");
        }, failure -> "cached:" + failure.getMessage());

        // then
        assertThat(price).isEqualTo("cached:down");
        assertThat(attempts).hasValue(3);
    }

    @Test
    void theFallbackSeesTheRejectionOfAnOpenBreaker() {
        // given
        CircuitBreaker breaker = CircuitBreaker.of("prices",
                CircuitBreakerConfig.builder().minimumCalls(1).slidingWindowSize(1).build(), clock);
        Resilience policy = Resilience.builder("prices").circuitBreaker(breaker).build();
        policy.call(() -> {
            throw new IllegalStateException("down");
        }, failure -> "ignored");

        // when
        String answer = policy.call(() -> "fresh",
                failure -> failure instanceof CircuitOpenException open ? "open:" + open.breakerName() : "other");

        // then
        assertThat(answer).isEqualTo("open:prices");
    }

    @Test
    void theAsyncFallbackAnswersWhenTheStageFails() {
        // given
        Resilience policy = Resilience.builder("prices").build();

        // when
        CompletionStage<String> price = policy.callAsync(
                () -> CompletableFuture.failedFuture(new IllegalStateException("down")),
                failure -> "cached:" + failure.getMessage());

        // then
        assertThat(price.toCompletableFuture()).succeedsWithin(WAIT).isEqualTo("cached:down");
    }

    @Test
    void retryWrapsTheBreakerSoAnOpeningBreakerStopsTheRetries() {
        // given
        CircuitBreaker breaker = CircuitBreaker.of("stock",
                CircuitBreakerConfig.builder().minimumCalls(2).slidingWindowSize(2).build(), clock);
        Resilience policy = Resilience.builder("stock")
                .circuitBreaker(breaker)
                .retry(Retry.builder().maxAttempts(5).initialDelay(Duration.ofMillis(1))
                        .maxDelay(Duration.ofMillis(1)).build())
                .build();
        AtomicInteger attempts = new AtomicInteger();

        // when / then
        assertThatThrownBy(() -> policy.call(() -> {
            attempts.incrementAndGet();
            throw new IllegalStateException("down");
        })).isInstanceOf(CircuitOpenException.class);
        assertThat(attempts).as("attempts that reached the dependency").hasValue(2);
    }

    @Test
    void exposesItsPolicies() {
        // given
        CircuitBreaker breaker = CircuitBreaker.ofDefaults("a");
        Retry retry = Retry.ofDefaults();
        Timeout timeout = Timeout.of(Duration.ofSeconds(1));
        Bulkhead bulkhead = Bulkhead.of("a", 3);

        // when
        Resilience policy = Resilience.builder("a").circuitBreaker(breaker).retry(retry).timeout(timeout)
                .bulkhead(bulkhead).build();

        // then
        assertThat(policy.name()).isEqualTo("a");
        assertThat(policy.circuitBreaker()).containsSame(breaker);
        assertThat(policy.retry()).containsSame(retry);
        assertThat(policy.timeout()).containsSame(timeout);
        assertThat(policy.bulkhead()).containsSame(bulkhead);
        assertThat(Resilience.builder("b").build().retry()).isEmpty();
    }

    @Test
    void rejectsMissingArgumentsNamingThem() {
        assertThatThrownBy(() -> Resilience.builder(" ")).hasMessageContaining("name");
        assertThatThrownBy(() -> Resilience.builder("a").retry(null)).hasMessageContaining("retry");
        assertThatThrownBy(() -> Timeout.of(Duration.ZERO)).hasMessageContaining("duration");
        assertThatThrownBy(() -> Bulkhead.of("a", 0)).hasMessageContaining("maxConcurrentCalls");
    }
}
