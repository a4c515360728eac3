package dev.chassis.core.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chassis.core.NonRetryableException;
import dev.chassis.core.RetryableException;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RetryTest {
    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2, runnable -> {
        Thread thread = new Thread(runnable, "retry-test-scheduler");
        thread.setDaemon(true);
        return thread;
    });

    @AfterEach
    void stopScheduler() {
        scheduler.shutdownNow();
    }

    private static Resilience retrying(Retry retry) {
        return Resilience.builder("inventory").retry(retry).build();
    }

    private static Retry.Builder fast() {
        return Retry.builder().initialDelay(Duration.ofMillis(1)).maxDelay(Duration.ofMillis(2)).jitter(0);
    }

    @Test
    void defaultsAreThreeAttemptsFromHundredMillisDoublingToTwoSecondsWithHalfJitter() {
        // given
        Retry retry = Retry.ofDefaults();

        // then
        assertThat(retry.maxAttempts()).isEqualTo(3);
        assertThat(retry.initialDelay()).isEqualTo(Duration.ofMillis(100));
        assertThat(retry.maxDelay()).isEqualTo(Duration.ofSeconds(2));
        assertThat(retry.multiplier()).isEqualTo(2.0);
        assertThat(retry.jitter()).isEqualTo(0.5);
        assertThat(retry.retryOn()).accepts(new RetryableException("busy"), new IllegalStateException("bug"))
                .rejects(new NonRetryableException("bad input"));
    }

    @Test
    void delaysGrowExponentiallyUpToTheMaximum() {
        // given
        List<Duration> delays = new CopyOnWriteArrayList<>();
        List<Integer> failedAttempts = new CopyOnWriteArrayList<>();
        Retry retry = Retry.builder()
                .maxAttempts(6)
                .initialDelay(Duration.ofMillis(5))
                .maxDelay(Duration.ofMillis(40))
                .multiplier(2)
                .jitter(0)
                .onRetry(new RetryListener() {
                    @Override
                    public void onRetry(String name, int failed, Duration delay, Throwable failure) {
                        delays.add(delay);
                        failedAttempts.add(failed);
                    }
                })
                .build();

        // when
        assertThatThrownBy(() -> retrying(retry).call(() -> {
            throw new RetryableException("busy");
        })).isInstanceOf(RetryableException.class);

        // then
        assertThat(delays).containsExactly(Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(20),
                Duration.ofMillis(40), Duration.ofMillis(40));
        assertThat(failedAttempts).containsExactly(1, 2, 3, 4, 5);
    }

    @Test
    void jitterKeepsEachDelayWithinItsBounds() {
        // given
        List<Duration> delays = new CopyOnWriteArrayList<>();
        Retry retry = Retry.builder()
                .maxAttempts(9)
                .initialDelay(Duration.ofMillis(4))
                .maxDelay(Duration.ofMillis(16))
                .jitter(0.5)
                .onRetry(new RetryListener() {
                    @Override
                    public void onRetry(String name, int failed, Duration delay, Throwable failure) {
                        delays.add(delay);
                    }
                })
                .build();

        // when
        assertThatThrownBy(() -> retrying(retry).call(() -> {
            throw new RetryableException("busy");
        })).isInstanceOf(RetryableException.class);

        // then: base delays 4, 8, 16, 16, ... ms, each moved by at most half of itself
        long[] baseMillis = {4, 8, 16, 16, 16, 16, 16, 16};
        assertThat(delays).hasSize(baseMillis.length);
        for (int i = 0; i < baseMillis.length; i++) {
            Duration base = Duration.ofMillis(baseMillis[i]);
            assertThat(delays.get(i)).isBetween(base.dividedBy(2), base.plus(base.dividedBy(2)));
        }
        assertThat(delays).as("jitter moves delays off the base values")
                .anyMatch(d -> d.toNanos() % 1_000_000 != 0);
    }

    @Test
    void retriesRetryableFailuresUntilAttemptsAreExhausted() {
        // given
        AtomicInteger attempts = new AtomicInteger();

        // when / then
        assertThatThrownBy(() -> retrying(fast().maxAttempts(4).build()).call(() -> {
            throw new RetryableException("attempt " + attempts.incrementAndGet());
        })).hasMessage("attempt 4");
        assertThat(attempts).hasValue(4);
    }

    @Test
    void retriesUnexpectedExceptionsAndReturnsTheFirstSuccess() {
        // given
        AtomicInteger attempts = new AtomicInteger();

        // when
        String result = retrying(fast().build()).call(() -> {
            if (attempts.incrementAndGet() < 3) {
                throw new IllegalStateException("flaky");
            }
            return "ok";
        });

        // then
        assertThat(result).isEqualTo("ok");
        assertThat(attempts).hasValue(3);
    }

    @Test
    void neverRetriesNonRetryableExceptions() {
        // given
        AtomicInteger attempts = new AtomicInteger();
        NonRetryableException invalid = new NonRetryableException("order 42 has no lines");

        // when / then
        assertThatThrownBy(() -> retrying(fast().maxAttempts(5).build()).call(() -> {
            attempts.incrementAndGet();
            throw invalid;
        })).isSameAs(invalid);
        assertThat(attempts).hasValue(1);
    }

    @Test
    void aCustomPredicateDecidesWhatIsRetried() {
        // given
        AtomicInteger attempts = new AtomicInteger();
        Retry onlyIo = fast().maxAttempts(5).retryOn(e -> e instanceof IOException).build();

        // when / then
        assertThatThrownBy(() -> retrying(onlyIo).call(() -> {
            attempts.incrementAndGet();
            throw new RetryableException("not an IOException");
        })).isInstanceOf(RetryableException.class);
        assertThat(attempts).hasValue(1);
    }

    @Test
    void rethrowsTheCallablesCheckedExceptionUnwrapped() {
        // given
        IOException refused = new IOException("connection refused");

        // when / then: call(...) declares IOException, the type the callable throws
        assertThatThrownBy(() -> retrying(fast().build()).call(() -> {
            throw refused;
        })).isSameAs(refused);
    }

    @Test
    void asyncRetriesWaitOnTheSchedulerWithoutBlockingTheCaller() {
        // given
        AtomicInteger attempts = new AtomicInteger();
        List<String> attemptThreads = new CopyOnWriteArrayList<>();
        Resilience policy = Resilience.builder("inventory")
                .retry(Retry.builder().initialDelay(Duration.ofMillis(300)).maxDelay(Duration.ofMillis(300)).build())
                .scheduler(scheduler)
                .build();

        // when
        CompletionStage<String> result = policy.callAsync(() -> {
            attemptThreads.add(Thread.currentThread().getName());
            return attempts.incrementAndGet() < 3
                    ? CompletableFuture.failedFuture(new RetryableException("busy"))
                    : CompletableFuture.completedFuture("ok");
        });

        // then
        assertThat(result.toCompletableFuture()).isNotDone();
        assertThat(result.toCompletableFuture()).succeedsWithin(Duration.ofSeconds(5)).isEqualTo("ok");
        assertThat(attempts).hasValue(3);
        assertThat(attemptThreads).containsOnly("retry-test-scheduler");
    }

    @Test
    void asyncCallsDoNotRetryNonRetryableFailures() {
        // given
        AtomicInteger attempts = new AtomicInteger();
        Resilience policy = retrying(fast().maxAttempts(5).build());

        // when
        CompletionStage<String> result = policy.callAsync(() -> {
            attempts.incrementAndGet();
            return CompletableFuture.failedFuture(new NonRetryableException("bad input"));
        });

        // then
        assertThat(result.toCompletableFuture()).failsWithin(5, TimeUnit.SECONDS)
                .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .withCauseInstanceOf(NonRetryableException.class);
        assertThat(attempts).hasValue(1);
    }

    @Test
    void rejectsInvalidSettingsNamingTheValue() {
        assertThatThrownBy(() -> Retry.builder().maxAttempts(0).build()).hasMessageContaining("maxAttempts");
        assertThatThrownBy(() -> Retry.builder().jitter(1.0).build()).hasMessageContaining("jitter");
        assertThatThrownBy(() -> Retry.builder().multiplier(0.5).build()).hasMessageContaining("multiplier");
        assertThatThrownBy(() -> Retry.builder().maxDelay(Duration.ofMillis(1)).build())
                .hasMessageContaining("maxDelay");
    }
}
