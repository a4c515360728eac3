package dev.chassis.core.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.chassis.core.MutableClock;
import dev.chassis.core.json.JsonCodec;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HealthRegistryTest {
    private final CountDownLatch never = new CountDownLatch(1);
    private final MutableClock clock = MutableClock.startingAt("2026-03-01T10:00:00Z");
    private HealthRegistry registry;

    @AfterEach
    void release() {
        never.countDown();
        if (registry != null) {
            registry.close();
        }
    }

    private HealthRegistry build(HealthRegistry.Builder builder) {
        registry = builder.clock(clock).build();
        return registry;
    }

    @Test
    void reportIsUpWithEveryCheckAndItsDetailsInJson() {
        // given
        build(HealthRegistry.builder()
                .check(HealthCheck.readiness("db", () -> HealthResult.up(Map.of("database", "PostgreSQL"))))
                .check(HealthCheck.readiness("broker", HealthResult::up)));

        // when
        HealthReport report = registry.readiness();

        // then
        assertThat(report.isUp()).isTrue();
        assertThat(report.httpStatus()).isEqualTo(200);
        assertThat(JsonCodec.defaults().writeString(report.toJson())).isEqualTo(
                "{\"status\":\"UP\",\"checks\":{\"db\":{\"status\":\"UP\",\"details\":{\"database\":\"PostgreSQL\"}},"
                        + "\"broker\":{\"status\":\"UP\"}}}");
    }

    @Test
    void oneDownCheckMakesTheReportDown() {
        // given
        build(HealthRegistry.builder()
                .check(HealthCheck.readiness("db", HealthResult::up))
                .check(HealthCheck.readiness("broker", () -> HealthResult.down("connection closed"))));

        // when
        HealthReport report = registry.readiness();

        // then
        assertThat(report.status()).isEqualTo(HealthStatus.DOWN);
        assertThat(report.httpStatus()).isEqualTo(503);
        assertThat(report.checks().get("db").isUp()).isTrue();
        assertThat(report.checks().get("broker").errorMessage()).hasValue("connection closed");
    }

    @Test
    void livenessRunsOnlyLivenessChecksAndReadinessOnlyReadinessChecks() {
        // given
        AtomicInteger readinessRuns = new AtomicInteger();
        AtomicInteger livenessRuns = new AtomicInteger();
        build(HealthRegistry.builder()
                .check(HealthCheck.readiness("db", () -> {
                    readinessRuns.incrementAndGet();
                    return HealthResult.down("unreachable");
                }))
                .check(HealthCheck.liveness("loop", () -> {
                    livenessRuns.incrementAndGet();
                    return HealthResult.up();
                })));

        // when
        HealthReport liveness = registry.liveness();

        // then
        assertThat(liveness.isUp()).isTrue();
        assertThat(liveness.checks()).containsOnlyKeys("loop");
        assertThat(readinessRuns).hasValue(0);
        assertThat(registry.readiness().checks()).containsOnlyKeys("db");
        assertThat(livenessRuns).hasValue(1);
    }

    @Test
    void noChecksMeansUp() {
        // given
        build(HealthRegistry.builder());

        // when / then
        assertThat(registry.liveness().isUp()).isTrue();
        assertThat(registry.readiness().isUp()).isTrue();
    }

    @Test
    void hangingCheckIsReportedDownAfterTheTimeoutWithoutBlockingTheOthers() {
        // given
        build(HealthRegistry.builder().timeout(Duration.ofMillis(200))
                .check(HealthCheck.readiness("stuck", () -> {
                    never.await();
                    return HealthResult.up();
                }))
                .check(HealthCheck.readiness("db", HealthResult::up)));

        // when
        HealthReport report = assertTimeoutPreemptively(Duration.ofSeconds(2), registry::readiness);

        // then
        assertThat(report.isUp()).isFalse();
        assertThat(report.checks().get("stuck").errorMessage()).hasValue("timed out after 200 ms");
        assertThat(report.checks().get("db").isUp()).isTrue();
    }

    @Test
    void checksOfOneKindRunInParallel() {
        // given: each check waits for the other to start, which only parallel runs can satisfy
        java.util.concurrent.CyclicBarrier bothRunning = new java.util.concurrent.CyclicBarrier(2);
        HealthCheck.Probe meetTheOther = () -> {
            bothRunning.await(5, java.util.concurrent.TimeUnit.SECONDS);
            return HealthResult.up();
        };
        build(HealthRegistry.builder().timeout(Duration.ofSeconds(10))
                .check(HealthCheck.readiness("db", meetTheOther))
                .check(HealthCheck.readiness("broker", meetTheOther)));

        // when
        HealthReport report = registry.readiness();

        // then
        assertThat(report.isUp()).as("report %s", report).isTrue();
    }

    @Test
    void closeLeavesAnExecutorPassedInRunning() {
        // given
        java.util.concurrent.ExecutorService executor = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            build(HealthRegistry.builder().executor(executor).check(HealthCheck.liveness("loop", HealthResult::up)));
            assertThat(registry.liveness().isUp()).isTrue();

            // when
            registry.close();

            // then
            assertThat(executor.isShutdown()).isFalse();
        } finally {
            executor.shutdownNow();
        }
    }

    @Test
    void hangingCheckIsNotStartedAgainWhileItsRunIsInFlight() {
        // given
        AtomicInteger runs = new AtomicInteger();
        build(HealthRegistry.builder().timeout(Duration.ofMillis(50)).cacheTtl(Duration.ZERO)
                .check(HealthCheck.readiness("stuck", () -> {
                    runs.incrementAndGet();
                    never.await();
                    return HealthResult.up();
                })));

        // when
        for (int i = 0; i < 3; i++) {
            assertThat(registry.readiness().isUp()).isFalse();
        }

        // then
        assertThat(runs).hasValue(1);
    }

    @Test
    void lateResultOfAHangingCheckIsUsedOnceItArrives() {
        // given
        CountDownLatch release = new CountDownLatch(1);
        build(HealthRegistry.builder().timeout(Duration.ofMillis(50)).cacheTtl(Duration.ZERO)
                .check(HealthCheck.readiness("slow", () -> {
                    release.await();
                    return HealthResult.up();
                })));
        assertThat(registry.readiness().isUp()).isFalse();

        // when
        release.countDown();

        // then
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5))
                .until(() -> registry.readiness().isUp());
    }

    @Test
    void throwingCheckIsReportedDownWithExceptionClassAndMessage() {
        // given
        build(HealthRegistry.builder().check(HealthCheck.readiness("db", () -> {
            throw new SQLTransientConnectionException("pool exhausted");
        })));

        // when
        HealthResult result = registry.readiness().checks().get("db");

        // then
        assertThat(result.status()).isEqualTo(HealthStatus.DOWN);
        assertThat(result.errorMessage()).hasValue("java.sql.SQLTransientConnectionException: pool exhausted");
    }

    @Test
    void checkReturningNullIsReportedDown() {
        // given
        build(HealthRegistry.builder().check(HealthCheck.liveness("odd", () -> null)));

        // when
        HealthResult result = registry.liveness().checks().get("odd");

        // then
        assertThat(result.errorMessage()).hasValue("check returned no result");
    }

    @Test
    void resultsAreCachedForTheTtlOnTheInjectedClock() {
        // given
        AtomicInteger runs = new AtomicInteger();
        build(HealthRegistry.builder().cacheTtl(Duration.ofSeconds(1))
                .check(HealthCheck.readiness("db", () -> HealthResult.up(Map.of("run", runs.incrementAndGet())))));

        // when
        registry.readiness();
        clock.advance(Duration.ofMillis(999));
        HealthReport cached = registry.readiness();
        clock.advance(Duration.ofMillis(1));
        HealthReport fresh = registry.readiness();

        // then
        assertThat(cached.checks().get("db").details()).containsEntry("run", 1);
        assertThat(fresh.checks().get("db").details()).containsEntry("run", 2);
        assertThat(runs).hasValue(2);
    }

    @Test
    void shuttingDownTakesReadinessDownButLeavesLivenessUp() {
        // given
        AtomicInteger readinessRuns = new AtomicInteger();
        build(HealthRegistry.builder()
                .check(HealthCheck.readiness("db", () -> {
                    readinessRuns.incrementAndGet();
                    return HealthResult.up();
                }))
                .check(HealthCheck.liveness("loop", HealthResult::up)));
        assertThat(registry.readiness().isUp()).isTrue();

        // when
        registry.markShuttingDown();
        registry.markShuttingDown();

        // then
        HealthReport readiness = registry.readiness();
        assertThat(registry.isShuttingDown()).isTrue();
        assertThat(readiness.httpStatus()).isEqualTo(503);
        assertThat(readiness.toJson()).containsEntry("reason", "shutting down");
        assertThat(registry.liveness().httpStatus()).isEqualTo(200);
        assertThat(readinessRuns).hasValue(1);
    }

    @Test
    void duplicateCheckNamesFailAtBuildTime() {
        // given
        HealthRegistry.Builder builder = HealthRegistry.builder()
                .check(HealthCheck.readiness("db", HealthResult::up))
                .check(HealthCheck.liveness("db", HealthResult::up));

        // when / then
        assertThatThrownBy(builder::build).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'db'");
    }

    @Test
    void invalidConfigurationIsRejectedNamingTheParameter() {
        assertThatThrownBy(() -> HealthRegistry.builder().timeout(Duration.ZERO)).hasMessageContaining("timeout");
        assertThatThrownBy(() -> HealthRegistry.builder().cacheTtl(Duration.ofSeconds(-1)))
                .hasMessageContaining("cacheTtl");
        assertThatThrownBy(() -> HealthCheck.readiness("a b", HealthResult::up)).hasMessageContaining("name");
        assertThatThrownBy(() -> HealthResult.up(Map.of("k", "v")).details().put("x", 1))
                .isInstanceOf(UnsupportedOperationException.class);
    }
}
