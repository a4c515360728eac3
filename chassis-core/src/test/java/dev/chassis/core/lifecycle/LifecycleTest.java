package dev.chassis.core.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class LifecycleTest {
    private final List<String> events = new CopyOnWriteArrayList<>();

    private LifecycleComponent component(String name) {
        return LifecycleComponent.of(name, () -> events.add("start " + name), () -> events.add("stop " + name));
    }

    @Test
    void startsComponentsInOrderAndStopsThemInReverseOnShutdown() {
        // given
        Lifecycle lifecycle = Lifecycle.ofDefaults()
                .add(component("admin"))
                .add(component("db"))
                .add(component("consumer"));

        // when
        lifecycle.start();
        ShutdownReport report = lifecycle.shutdown();

        // then
        assertThat(events).containsExactly(
                "start admin", "start db", "start consumer",
                "stop consumer", "stop db", "stop admin");
        assertThat(report.isClean()).isTrue();
    }

    @Test
    void failingStartStopsWhatStartedInReverseAndThrowsNamingTheComponent() {
        // given
        IllegalStateException cause = new IllegalStateException("port in use");
        Lifecycle lifecycle = Lifecycle.ofDefaults()
                .add(component("db"))
                .add(component("relay"))
                .add(LifecycleComponent.of("server", () -> {
                    throw cause;
                }, () -> events.add("stop server")))
                .add(component("never"));

        // when
        LifecycleException failure = catchThrowableOfType(LifecycleException.class, lifecycle::start);

        // then
        assertThat(failure.componentName()).isEqualTo("server");
        assertThat(failure).hasMessageContaining("'server'").hasMessageContaining("port in use").hasCause(cause);
        assertThat(failure.isRetryable()).isFalse();
        assertThat(events).containsExactly("start db", "start relay", "stop relay", "stop db");
    }

    @Test
    void shutdownAfterAFailedStartDoesNotStopComponentsTwice() {
        // given
        Lifecycle lifecycle = Lifecycle.ofDefaults()
                .add(component("db"))
                .add(LifecycleComponent.of("server", () -> {
                    throw new IllegalStateException("boom");
                }, () -> events.add("stop server")));
        assertThatThrownBy(lifecycle::start).isInstanceOf(LifecycleException.class);
        events.clear();

        // when
        lifecycle.shutdown();

        // then
        assertThat(events).isEmpty();
    }

    @Test
    void shutdownWhileStartingStopsEveryComponentThatStartedAndStartGivesUp() throws Exception {
        // given
        java.util.concurrent.CountDownLatch slowStarting = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch releaseSlow = new java.util.concurrent.CountDownLatch(1);
        Lifecycle lifecycle = Lifecycle.ofDefaults()
                .add(component("db"))
                .add(LifecycleComponent.of("slow", () -> {
                    slowStarting.countDown();
                    releaseSlow.await();
                    events.add("start slow");
                }, () -> events.add("stop slow")))
                .add(component("never"));
        var starting = java.util.concurrent.CompletableFuture.runAsync(lifecycle::start);
        assertThat(slowStarting.await(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();

        // when
        ShutdownReport report = lifecycle.shutdown();
        releaseSlow.countDown();

        // then
        assertThatThrownBy(() -> starting.get(5, java.util.concurrent.TimeUnit.SECONDS))
                .hasCauseInstanceOf(LifecycleException.class)
                .cause().hasMessageContaining("'slow'");
        assertThat(report.outcome("db")).hasValue(ShutdownReport.Outcome.COMPLETED);
        assertThat(events).containsExactly("start db", "stop db", "start slow", "stop slow");
    }

    @Test
    void startingTwiceFails() {
        // given
        Lifecycle lifecycle = Lifecycle.ofDefaults().add(component("db"));
        lifecycle.start();

        // when / then
        assertThatThrownBy(lifecycle::start).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> lifecycle.add(component("late"))).isInstanceOf(IllegalStateException.class);
        assertThat(events).containsExactly("start db");
    }

    @Test
    void startingAfterShutdownFails() {
        // given
        Lifecycle lifecycle = Lifecycle.ofDefaults().add(component("db"));
        lifecycle.shutdown();

        // when / then
        assertThatThrownBy(lifecycle::start).isInstanceOf(IllegalStateException.class);
        assertThat(events).isEmpty();
    }

    @Test
    void duplicateNamesAndBadConfigurationAreRejectedNamingTheParameter() {
        // given
        Lifecycle lifecycle = Lifecycle.ofDefaults().add(component("db"))
                .onShutdown(ShutdownPhase.DRAIN, "consumer", () -> { });

        // when / then
        assertThatThrownBy(() -> lifecycle.add(component("db"))).hasMessageContaining("'db'");
        assertThatThrownBy(() -> lifecycle.onShutdown(ShutdownPhase.DRAIN, "consumer", () -> { }))
                .hasMessageContaining("'consumer'").hasMessageContaining("DRAIN");
        assertThatThrownBy(() -> Lifecycle.builder().shutdownTimeout(java.time.Duration.ZERO))
                .hasMessageContaining("shutdownTimeout");
        assertThatThrownBy(() -> Lifecycle.builder().hookTimeout(java.time.Duration.ofSeconds(-1)))
                .hasMessageContaining("hookTimeout");
        assertThatThrownBy(() -> lifecycle.onShutdown(null, "x", () -> { })).hasMessageContaining("phase");
    }
}
