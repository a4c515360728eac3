package dev.chassis.core.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.chassis.core.lifecycle.ShutdownReport.Outcome;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ShutdownSequenceTest {
    private final List<String> events = new CopyOnWriteArrayList<>();
    private final CountDownLatch never = new CountDownLatch(1);

    @AfterEach
    void release() {
        never.countDown();
    }

    private LifecycleAction record(String event) {
        return () -> events.add(event);
    }

    private LifecycleAction hang(String event) {
        return () -> {
            events.add(event);
            never.await();
        };
    }

    @Test
    void runsPhasesInOrderWithComponentsStoppedBeforeCloseHooks() {
        // given: hooks registered out of phase order
        Lifecycle lifecycle = Lifecycle.ofDefaults()
                .add(LifecycleComponent.of("relay", () -> { }, record("stop relay")))
                .onShutdown(ShutdownPhase.CLOSE, "db-pool", record("close db-pool"))
                .onShutdown(ShutdownPhase.DRAIN, "orders-consumer", record("drain orders"))
                .onShutdown(ShutdownPhase.DEREGISTER, "registry", record("deregister"))
                .onShutdown(ShutdownPhase.READINESS_DOWN, "readiness", record("readiness down"))
                .onShutdown(ShutdownPhase.DRAIN, "payments-consumer", record("drain payments"));
        lifecycle.start();

        // when
        ShutdownReport report = lifecycle.shutdown();

        // then
        assertThat(events).containsExactly("readiness down", "deregister", "drain orders", "drain payments",
                "stop relay", "close db-pool");
        assertThat(report.steps()).extracting(ShutdownReport.Step::phase).containsExactly(
                ShutdownPhase.READINESS_DOWN, ShutdownPhase.DEREGISTER, ShutdownPhase.DRAIN, ShutdownPhase.DRAIN,
                ShutdownPhase.CLOSE, ShutdownPhase.CLOSE);
        assertThat(report.isClean()).isTrue();
    }

    @Test
    void failingHookIsReportedAndTheSequenceGoesOn() {
        // given
        Lifecycle lifecycle = Lifecycle.ofDefaults()
                .onShutdown(ShutdownPhase.DEREGISTER, "registry", () -> {
                    throw new IllegalStateException("registry unreachable");
                })
                .onShutdown(ShutdownPhase.CLOSE, "db-pool", record("close db-pool"));

        // when
        ShutdownReport report = lifecycle.shutdown();

        // then
        assertThat(report.outcome("registry")).hasValue(Outcome.FAILED);
        assertThat(report.outcome("db-pool")).hasValue(Outcome.COMPLETED);
        assertThat(report.isClean()).isFalse();
        assertThat(events).containsExactly("close db-pool");
    }

    @Test
    void hookExceedingTheHookTimeoutIsAbandonedAndInterruptedAndLaterHooksStillRun() {
        // given
        CountDownLatch interrupted = new CountDownLatch(1);
        Lifecycle lifecycle = Lifecycle.builder().hookTimeout(Duration.ofMillis(100)).build()
                .onShutdown(ShutdownPhase.DRAIN, "stuck-consumer", () -> {
                    try {
                        never.await();
                    } catch (InterruptedException e) {
                        interrupted.countDown();
                    }
                })
                .onShutdown(ShutdownPhase.CLOSE, "db-pool", record("close db-pool"));

        // when
        ShutdownReport report = assertTimeoutPreemptively(Duration.ofSeconds(5), lifecycle::shutdown);

        // then
        assertThat(report.outcome("stuck-consumer")).hasValue(Outcome.TIMED_OUT);
        assertThat(report.outcome("db-pool")).hasValue(Outcome.COMPLETED);
        assertThat(events).containsExactly("close db-pool");
        await().atMost(Duration.ofSeconds(5)).until(() -> interrupted.getCount() == 0);
    }

    @Test
    void overallDeadlineAbandonsAHangingHookAndSkipsTheRestSoShutdownAlwaysFinishes() {
        // given
        Lifecycle lifecycle = Lifecycle.builder()
                .shutdownTimeout(Duration.ofMillis(300))
                .hookTimeout(Duration.ofSeconds(60))
                .build()
                .add(LifecycleComponent.of("server", () -> { }, record("stop server")))
                .onShutdown(ShutdownPhase.READINESS_DOWN, "readiness", record("readiness down"))
                .onShutdown(ShutdownPhase.DRAIN, "stuck-consumer", hang("drain started"))
                .onShutdown(ShutdownPhase.CLOSE, "db-pool", record("close db-pool"));
        lifecycle.start();

        // when
        ShutdownReport report = assertTimeoutPreemptively(Duration.ofSeconds(5), lifecycle::shutdown);

        // then
        assertThat(report.steps()).extracting(ShutdownReport.Step::name, ShutdownReport.Step::outcome)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("readiness", Outcome.COMPLETED),
                        org.assertj.core.groups.Tuple.tuple("stuck-consumer", Outcome.TIMED_OUT),
                        org.assertj.core.groups.Tuple.tuple("server", Outcome.SKIPPED),
                        org.assertj.core.groups.Tuple.tuple("db-pool", Outcome.SKIPPED));
        assertThat(events).containsExactly("readiness down", "drain started");
        assertThat(report.took()).isGreaterThanOrEqualTo(Duration.ofMillis(300)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void secondShutdownDoesNotRunHooksAgainAndReturnsTheSameReport() {
        // given
        AtomicInteger runs = new AtomicInteger();
        Lifecycle lifecycle = Lifecycle.ofDefaults()
                .onShutdown(ShutdownPhase.CLOSE, "db-pool", runs::incrementAndGet);

        // when
        ShutdownReport first = lifecycle.shutdown();
        ShutdownReport second = lifecycle.shutdown();

        // then
        assertThat(runs).hasValue(1);
        assertThat(second).isSameAs(first);
        assertThatThrownBy(() -> lifecycle.onShutdown(ShutdownPhase.CLOSE, "late", () -> { }))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void concurrentShutdownsRunTheSequenceOnceAndBothWaitForItsEnd() throws Exception {
        // given
        AtomicInteger runs = new AtomicInteger();
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Lifecycle lifecycle = Lifecycle.ofDefaults()
                .onShutdown(ShutdownPhase.DRAIN, "consumer", () -> {
                    runs.incrementAndGet();
                    entered.countDown();
                    release.await();
                });

        // when
        CompletableFuture<ShutdownReport> first = CompletableFuture.supplyAsync(lifecycle::shutdown);
        assertThat(entered.await(5, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<ShutdownReport> second = CompletableFuture.supplyAsync(lifecycle::shutdown);
        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2))
                .until(() -> !first.isDone() && !second.isDone());
        release.countDown();

        // then
        ShutdownReport a = first.get(5, TimeUnit.SECONDS);
        ShutdownReport b = second.get(5, TimeUnit.SECONDS);
        assertThat(a).isSameAs(b);
        assertThat(a.outcome("consumer")).hasValue(Outcome.COMPLETED);
        assertThat(runs).hasValue(1);
    }

    @Test
    void installShutdownHookRegistersOneJvmHookThatRunsTheSequence() {
        // given
        Lifecycle lifecycle = Lifecycle.ofDefaults().onShutdown(ShutdownPhase.CLOSE, "db-pool", record("close"));

        // when
        lifecycle.installShutdownHook().installShutdownHook();
        Thread hook = lifecycle.jvmHook();

        // then
        assertThat(hook).isNotNull();
        assertThat(Runtime.getRuntime().removeShutdownHook(hook)).isTrue();
        hook.run();
        assertThat(events).containsExactly("close");
    }
}
