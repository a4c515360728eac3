package dev.chassis.core.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.chassis.core.MutableClock;
import dev.chassis.core.resilience.CircuitBreaker.State;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WatchdogTest {
    private static final Duration WAIT = Duration.ofSeconds(5);

    private final MutableClock clock = MutableClock.startingAt("2026-01-01T00:00:00Z");
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final Watchdog watchdog = new Watchdog("test-watchdog", Watchdog.TICK, Duration.ofMillis(100));

    @AfterEach
    void stop() {
        threads.shutdownNow();
        watchdog.close();
    }

    private Resilience.Builder watched(String name) {
        return Resilience.builder(name).watchdog(watchdog);
    }

    @Test
    void manyConcurrentCallsLeaveNoWatchBehind() throws Exception {
        // given: 16 threads, each making 500 fast calls, and every 50th call timing out
        CircuitBreaker breaker = CircuitBreaker.of("search",
                CircuitBreakerConfig.builder().timeout(Duration.ofSeconds(10)).build(), clock);
        Resilience fast = watched("search").circuitBreaker(breaker).build();
        Resilience slow = watched("search-slow").timeout(Timeout.of(Duration.ofMillis(20))).build();
        CountDownLatch start = new CountDownLatch(1);
        AtomicInteger succeeded = new AtomicInteger();
        AtomicInteger timedOut = new AtomicInteger();
        List<Future<?>> callers = new ArrayList<>();

        // when
        for (int t = 0; t < 16; t++) {
            callers.add(threads.submit(() -> {
                start.await();
                for (int i = 0; i < 500; i++) {
                    if (i % 50 == 49) {
                        try {
                            slow.call(() -> {
                                new CountDownLatch(1).await();
                                return "never";
                            });
                        } catch (TimeoutExceededException e) {
                            timedOut.incrementAndGet();
                        }
                    } else {
                        int n = i;
                        if (fast.call(() -> n) == n) {
                            succeeded.incrementAndGet();
                        }
                    }
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> caller : callers) {
            caller.get(30, TimeUnit.SECONDS);
        }

        // then
        assertThat(succeeded).hasValue(16 * 490);
        assertThat(timedOut).hasValue(16 * 10);
        assertThat(watchdog.inFlight()).isZero();
        assertThat(breaker.metrics().failedCalls()).isZero();
    }

    @Test
    void watchesCallsOnlyWhileTheyRun() throws Exception {
        // given
        Resilience policy = watched("reports").timeout(Timeout.of(Duration.ofSeconds(30))).build();
        CountDownLatch entered = new CountDownLatch(8);
        CountDownLatch release = new CountDownLatch(1);
        List<Future<String>> callers = new ArrayList<>();

        // when
        for (int i = 0; i < 8; i++) {
            callers.add(threads.submit(() -> policy.call(() -> {
                entered.countDown();
                release.await();
                return "done";
            })));
        }
        assertThat(entered.await(5, TimeUnit.SECONDS)).isTrue();

        // then
        assertThat(watchdog.inFlight()).isEqualTo(8);
        release.countDown();
        for (Future<String> caller : callers) {
            assertThat(caller).succeedsWithin(WAIT).isEqualTo("done");
        }
        assertThat(watchdog.inFlight()).isZero();
    }

    @Test
    void aTimedOutCallIsInterruptedAndItsThreadLeftUninterrupted() {
        // given
        Resilience policy = watched("search").timeout(Timeout.of(Duration.ofMillis(50))).build();
        AtomicBoolean interrupted = new AtomicBoolean();
        long started = System.nanoTime();

        // when / then
        assertThatThrownBy(() -> policy.call(() -> {
            try {
                new CountDownLatch(1).await();
            } catch (InterruptedException e) {
                interrupted.set(true);
                throw e;
            }
            return "never";
        })).isInstanceOfSatisfying(TimeoutExceededException.class,
                e -> assertThat(e.timeout()).isEqualTo(Duration.ofMillis(50)));
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("never early")
                .isGreaterThanOrEqualTo(Duration.ofMillis(50));
        assertThat(interrupted).isTrue();
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
        assertThat(watchdog.inFlight()).isZero();
    }

    @Test
    void aCallThatIgnoresInterruptsIsCountedAsFailedWhileItStillRuns() throws Exception {
        // given: a closed breaker that needs many calls before it judges
        CircuitBreaker breaker = CircuitBreaker.of("payments",
                CircuitBreakerConfig.builder().timeout(Duration.ofMillis(50)).build(), clock);
        Resilience policy = watched("payments").circuitBreaker(breaker).build();
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger interrupts = new AtomicInteger();

        // when
        Future<String> stuck = threads.submit(() -> policy.call(() -> uninterruptibly(release, interrupts)));

        // then: the failure is recorded although the call has not returned
        await().atMost(WAIT).until(() -> breaker.metrics().failedCalls() == 1);
        assertThat(stuck).isNotDone();
        assertThat(interrupts).hasValue(1);
        release.countDown();
        assertThatThrownBy(stuck::get).hasCauseInstanceOf(TimeoutExceededException.class);
        assertThat(breaker.metrics().failedCalls()).as("the late outcome is not counted again").isEqualTo(1);
        assertThat(breaker.metrics().bufferedCalls()).isEqualTo(1);
    }

    @Test
    void aProbeThatIgnoresInterruptsFreesItsPermitAtTheTimeout() throws Exception {
        // given: an open breaker with one probe permit
        CircuitBreakerConfig config = CircuitBreakerConfig.builder()
                .timeout(Duration.ofMillis(50)).minimumCalls(1).slidingWindowSize(1).halfOpenPermits(1).build();
        CircuitBreaker breaker = CircuitBreaker.of("payments", config, clock);
        Resilience policy = watched("payments").circuitBreaker(breaker).build();
        assertThatThrownBy(() -> policy.call(() -> {
            throw new IllegalStateException("down");
        })).isInstanceOf(IllegalStateException.class);
        clock.advance(config.openDuration());
        CountDownLatch release = new CountDownLatch(1);

        // when
        Future<String> stuck = threads.submit(() -> policy.call(() -> uninterruptibly(release, new AtomicInteger())));

        // then: the breaker reopens, and the next probe is admitted after the open duration
        await().atMost(WAIT).until(() -> breaker.state() == State.OPEN);
        assertThat(stuck).isNotDone();
        clock.advance(config.openDuration());
        assertThat(policy.call(() -> "ok")).isEqualTo("ok");
        assertThat(breaker.state()).isEqualTo(State.CLOSED);
        release.countDown();
        assertThatThrownBy(stuck::get).hasCauseInstanceOf(TimeoutExceededException.class);
        assertThat(breaker.state()).isEqualTo(State.CLOSED);
    }

    @Test
    void aTimedOutAttemptIsRetried() throws Exception {
        // given
        Resilience policy = watched("search")
                .timeout(Timeout.of(Duration.ofMillis(30)))
                .retry(Retry.builder().maxAttempts(2).initialDelay(Duration.ofMillis(1)).maxDelay(Duration.ofMillis(1))
                        .build())
                .build();
        AtomicInteger attempts = new AtomicInteger();

        // when
        String result = policy.call(() -> {
            if (attempts.incrementAndGet() == 1) {
                new CountDownLatch(1).await();
            }
            return "second";
        });

        // then
        assertThat(result).isEqualTo("second");
        assertThat(attempts).hasValue(2);
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
    }

    @Test
    void stopsWhenIdleAndStartsAgainForTheNextCall() throws Exception {
        // given
        Resilience policy = watched("search").timeout(Timeout.of(Duration.ofMillis(50))).build();
        assertThat(watchdog.isRunning()).as("no thread before the first call").isFalse();
        assertThat(policy.call(() -> "first")).isEqualTo("first");
        assertThat(watchdog.isRunning()).isTrue();

        // when: nothing is watched for longer than the linger time
        await().atMost(WAIT).until(() -> !watchdog.isRunning());

        // then: a later call still times out
        assertThatThrownBy(() -> policy.call(() -> {
            new CountDownLatch(1).await();
            return "never";
        })).isInstanceOf(TimeoutExceededException.class);
    }

    @Test
    void stopsWhenClosed() {
        // given
        Watchdog owned = new Watchdog("owned-watchdog", Watchdog.TICK, Duration.ofHours(1));
        Resilience policy = Resilience.builder("search").watchdog(owned).timeout(Timeout.of(Duration.ofSeconds(1)))
                .build();
        assertThat(policy.call(() -> "ok")).isEqualTo("ok");
        assertThat(owned.isRunning()).isTrue();

        // when
        owned.close();

        // then
        await().atMost(WAIT).until(() -> !owned.isRunning());
        assertThatThrownBy(() -> policy.call(() -> "late")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
        assertThat(owned.inFlight()).isZero();
    }

    private static String uninterruptibly(CountDownLatch release, AtomicInteger interrupts) {
        while (release.getCount() > 0) {
            try {
                release.await();
            } catch (InterruptedException e) {
                interrupts.incrementAndGet();
            }
        }
        return "late";
    }
}
