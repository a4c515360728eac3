package dev.chassis.core.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.chassis.core.MutableClock;
import dev.chassis.core.resilience.CircuitBreaker.State;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CircuitBreakerTest {
    private static final Duration WAIT = Duration.ofSeconds(5);

    private final MutableClock clock = MutableClock.startingAt("2026-01-01T00:00:00Z");
    private final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void stopThreads() {
        threads.shutdownNow();
    }

    private CircuitBreaker breaker(CircuitBreakerConfig config) {
        return CircuitBreaker.of("payments", config, clock);
    }

    private static Resilience through(CircuitBreaker breaker) {
        return Resilience.builder("payments-client").circuitBreaker(breaker).build();
    }

    private static void fail(Resilience policy, int times) {
        for (int i = 0; i < times; i++) {
            assertThatThrownBy(() -> policy.call(() -> {
                throw new IllegalStateException("boom");
            })).isInstanceOf(IllegalStateException.class);
        }
    }

    private static void succeed(Resilience policy, int times) {
        for (int i = 0; i < times; i++) {
            assertThat(policy.call(() -> "ok")).isEqualTo("ok");
        }
    }

    private CircuitBreaker openBreaker(CircuitBreakerConfig config) {
        CircuitBreaker breaker = breaker(config);
        fail(through(breaker), config.minimumCalls());
        assertThat(breaker.state()).isEqualTo(State.OPEN);
        return breaker;
    }

    @Test
    void defaultsAreThreeSecondTimeoutHalfOfTenOfTwentyCallsThirtySecondsOpenThreeProbes() {
        // given
        CircuitBreaker breaker = CircuitBreaker.ofDefaults("payments");

        // when
        CircuitBreakerConfig config = breaker.config();

        // then
        assertThat(config.timeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(config.failureRateThreshold()).isEqualTo(50);
        assertThat(config.slidingWindowSize()).isEqualTo(20);
        assertThat(config.minimumCalls()).isEqualTo(10);
        assertThat(config.openDuration()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.halfOpenPermits()).isEqualTo(3);
        assertThat(breaker.state()).isEqualTo(State.CLOSED);
    }

    @Test
    void staysClosedBelowTheMinimumNumberOfCallsEvenIfAllFail() {
        // given
        CircuitBreaker breaker = breaker(CircuitBreakerConfig.ofDefaults());

        // when
        fail(through(breaker), 9);

        // then
        assertThat(breaker.state()).isEqualTo(State.CLOSED);
        assertThat(breaker.metrics().bufferedCalls()).isEqualTo(9);
        assertThat(breaker.metrics().failureRate()).isEqualTo(100.0);
    }

    @Test
    void opensAtExactlyTheFailureRateThreshold() {
        // given
        CircuitBreaker breaker = breaker(CircuitBreakerConfig.ofDefaults());
        Resilience policy = through(breaker);
        succeed(policy, 5);
        fail(policy, 4);
        assertThat(breaker.state()).isEqualTo(State.CLOSED);

        // when: the 10th call makes it 5 of 10
        fail(policy, 1);

        // then
        assertThat(breaker.state()).isEqualTo(State.OPEN);
        assertThat(breaker.metrics().failureRate()).isEqualTo(50.0);
    }

    @Test
    void staysClosedJustBelowTheThreshold() {
        // given
        CircuitBreaker breaker = breaker(CircuitBreakerConfig.ofDefaults());
        Resilience policy = through(breaker);

        // when: 9 of 20 fail, i.e. 45 %
        succeed(policy, 11);
        fail(policy, 9);

        // then
        assertThat(breaker.state()).isEqualTo(State.CLOSED);
        assertThat(breaker.metrics().failureRate()).isEqualTo(45.0);
    }

    @Test
    void slidingWindowForgetsOutcomesOlderThanItsSize() {
        // given: 9 of 20 failed
        CircuitBreaker breaker = breaker(CircuitBreakerConfig.ofDefaults());
        Resilience policy = through(breaker);
        succeed(policy, 11);
        fail(policy, 9);
        assertThat(breaker.metrics().failedCalls()).isEqualTo(9);

        // when: 20 more successes push every failure out of the window
        succeed(policy, 20);

        // then
        assertThat(breaker.metrics().bufferedCalls()).isEqualTo(20);
        assertThat(breaker.metrics().failedCalls()).isZero();
        assertThat(breaker.state()).isEqualTo(State.CLOSED);
    }

    @Test
    void rejectsCallsWhileOpenWithoutCallingThrough() {
        // given
        CircuitBreaker breaker = openBreaker(CircuitBreakerConfig.ofDefaults());
        AtomicInteger calls = new AtomicInteger();

        // when / then
        assertThatThrownBy(() -> through(breaker).call(calls::incrementAndGet))
                .isInstanceOfSatisfying(CircuitOpenException.class, e -> {
                    assertThat(e.breakerName()).isEqualTo("payments");
                    assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(30));
                    assertThat(e.isRetryable()).isTrue();
                });
        assertThat(calls).hasValue(0);
    }

    @Test
    void admitsProbesOnlyAfterTheOpenDurationOnItsClock() {
        // given
        CircuitBreaker breaker = openBreaker(CircuitBreakerConfig.ofDefaults());
        Resilience policy = through(breaker);

        // when: 1 s short of the open duration
        clock.advance(Duration.ofSeconds(29));

        // then
        assertThatThrownBy(() -> policy.call(() -> "ok"))
                .isInstanceOfSatisfying(CircuitOpenException.class,
                        e -> assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(1)));

        // when: the open duration has passed
        clock.advance(Duration.ofSeconds(1));

        // then
        succeed(policy, 1);
        assertThat(breaker.state()).isEqualTo(State.HALF_OPEN);
    }

    @Test
    void closesWhenAllHalfOpenProbesSucceed() {
        // given
        CircuitBreaker breaker = openBreaker(CircuitBreakerConfig.ofDefaults());
        clock.advance(Duration.ofSeconds(30));

        // when
        succeed(through(breaker), 3);

        // then
        assertThat(breaker.state()).isEqualTo(State.CLOSED);
        assertThat(breaker.metrics().bufferedCalls()).isZero();
    }

    @Test
    void reopensWhenAHalfOpenProbeFailsAndWaitsTheFullDurationAgain() {
        // given
        CircuitBreaker breaker = openBreaker(CircuitBreakerConfig.ofDefaults());
        Resilience policy = through(breaker);
        clock.advance(Duration.ofSeconds(30));
        succeed(policy, 1);

        // when
        fail(policy, 1);

        // then
        assertThat(breaker.state()).isEqualTo(State.OPEN);
        clock.advance(Duration.ofSeconds(29));
        assertThatThrownBy(() -> policy.call(() -> "ok")).isInstanceOf(CircuitOpenException.class);
    }

    @Test
    void admitsExactlyTheHalfOpenPermitsWhenSixteenThreadsRace() throws Exception {
        // given
        CircuitBreaker breaker = openBreaker(CircuitBreakerConfig.ofDefaults());
        Resilience policy = through(breaker);
        clock.advance(Duration.ofSeconds(30));
        CountDownLatch start = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger admitted = new AtomicInteger();
        AtomicInteger rejected = new AtomicInteger();
        List<Future<?>> racers = new CopyOnWriteArrayList<>();

        // when
        for (int i = 0; i < 16; i++) {
            racers.add(threads.submit(() -> {
                start.await();
                try {
                    return policy.call(() -> {
                        admitted.incrementAndGet();
                        release.await();
                        return "ok";
                    });
                } catch (CircuitOpenException e) {
                    rejected.incrementAndGet();
                    return "rejected";
                }
            }));
        }
        start.countDown();

        // then
        await().atMost(WAIT).until(() -> admitted.get() + rejected.get() == 16);
        assertThat(admitted).hasValue(3);
        assertThat(rejected).hasValue(13);
        release.countDown();
        for (Future<?> racer : racers) {
            racer.get();
        }
        assertThat(breaker.state()).isEqualTo(State.CLOSED);
    }

    @Test
    void aHangingProbeTimesOutFreesItsPermitAndReopensTheBreaker() {
        // given
        CircuitBreakerConfig config = CircuitBreakerConfig.builder()
                .timeout(Duration.ofMillis(200))
                .halfOpenPermits(1)
                .build();
        CircuitBreaker breaker = openBreaker(config);
        Resilience policy = through(breaker);
        clock.advance(Duration.ofSeconds(30));
        CountDownLatch never = new CountDownLatch(1);

        // when
        assertThatThrownBy(() -> policy.call(() -> {
            never.await();
            return "never";
        })).isInstanceOfSatisfying(TimeoutExceededException.class, e -> {
            assertThat(e.name()).isEqualTo("payments");
            assertThat(e.timeout()).isEqualTo(Duration.ofMillis(200));
        });

        // then
        assertThat(breaker.state()).isEqualTo(State.OPEN);
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
        clock.advance(Duration.ofSeconds(30));
        succeed(policy, 1);
        assertThat(breaker.state()).isEqualTo(State.CLOSED);
    }

    @Test
    void aProbeThatIgnoresInterruptsStillFreesItsPermitAtTheTimeout() {
        // given
        CircuitBreakerConfig config = CircuitBreakerConfig.builder()
                .timeout(Duration.ofMillis(200))
                .halfOpenPermits(1)
                .build();
        CircuitBreaker breaker = openBreaker(config);
        Resilience policy = through(breaker);
        clock.advance(Duration.ofSeconds(30));
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean entered = new AtomicBoolean();

        // when: the probe swallows interrupts until released
        Future<String> stuck = threads.submit(() -> policy.call(() -> {
            entered.set(true);
            while (release.getCount() > 0) {
                try {
                    release.await();
                } catch (InterruptedException ignored) {
                    // deliberately uninterruptible
                }
            }
            return "late";
        }));

        // then: the breaker reopens although the caller is still stuck
        await().atMost(WAIT).untilTrue(entered);
        await().atMost(WAIT).until(() -> breaker.state() == State.OPEN);
        assertThat(stuck).isNotDone();
        clock.advance(Duration.ofSeconds(30));
        succeed(policy, 1);
        assertThat(breaker.state()).isEqualTo(State.CLOSED);

        // and the late outcome is ignored
        release.countDown();
        assertThatThrownBy(stuck::get).hasCauseInstanceOf(TimeoutExceededException.class);
        assertThat(breaker.state()).isEqualTo(State.CLOSED);
    }

    @Test
    void publishesStateChangesWithTheClocksTime() {
        // given
        CircuitBreaker breaker = breaker(CircuitBreakerConfig.ofDefaults());
        List<StateChange> changes = new CopyOnWriteArrayList<>();
        List<CircuitOpenException> rejections = new CopyOnWriteArrayList<>();
        breaker.events().onStateChange(changes::add);
        breaker.events().addListener(new CircuitBreakerListener() {
            @Override
            public void onCallRejected(CircuitOpenException rejection) {
                rejections.add(rejection);
            }
        });
        Resilience policy = through(breaker);

        // when
        fail(policy, 10);
        assertThatThrownBy(() -> policy.call(() -> "ok")).isInstanceOf(CircuitOpenException.class);
        clock.advance(Duration.ofSeconds(30));
        succeed(policy, 3);

        // then
        Instant start = Instant.parse("2026-01-01T00:00:00Z");
        assertThat(changes).containsExactly(
                new StateChange("payments", State.CLOSED, State.OPEN, start),
                new StateChange("payments", State.OPEN, State.HALF_OPEN, start.plusSeconds(30)),
                new StateChange("payments", State.HALF_OPEN, State.CLOSED, start.plusSeconds(30)));
        assertThat(rejections).hasSize(1);
    }

    @Test
    void aFailingListenerDoesNotBreakTheBreaker() {
        // given
        CircuitBreaker breaker = breaker(CircuitBreakerConfig.ofDefaults());
        breaker.events().onStateChange(change -> {
            throw new IllegalStateException("listener bug");
        });

        // when
        fail(through(breaker), 10);

        // then
        assertThat(breaker.state()).isEqualTo(State.OPEN);
    }

    @Test
    void removedListenersHearNothing() {
        // given
        CircuitBreaker breaker = breaker(CircuitBreakerConfig.ofDefaults());
        List<StateChange> changes = new CopyOnWriteArrayList<>();
        CircuitBreakerListener listener = breaker.events().onStateChange(changes::add);

        // when
        breaker.events().removeListener(listener);
        fail(through(breaker), 10);

        // then
        assertThat(changes).isEmpty();
    }

    @Test
    void resetClosesAnOpenBreakerAndClearsItsWindow() {
        // given
        CircuitBreaker breaker = openBreaker(CircuitBreakerConfig.ofDefaults());

        // when
        breaker.reset();

        // then
        assertThat(breaker.state()).isEqualTo(State.CLOSED);
        assertThat(breaker.metrics()).isEqualTo(new CircuitBreakerMetrics(State.CLOSED, 0, 0, 0.0));
        succeed(through(breaker), 1);
    }

    @Test
    void rejectsInvalidConfigurationNamingTheValue() {
        assertThatThrownBy(() -> CircuitBreakerConfig.builder().minimumCalls(21).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("minimumCalls");
        assertThatThrownBy(() -> CircuitBreakerConfig.builder().failureRateThreshold(0).build())
                .hasMessageContaining("failureRateThreshold");
        assertThatThrownBy(() -> CircuitBreakerConfig.builder().timeout(Duration.ZERO).build())
                .hasMessageContaining("timeout");
        assertThatThrownBy(() -> CircuitBreaker.ofDefaults(" "))
                .hasMessageContaining("name");
    }
}
