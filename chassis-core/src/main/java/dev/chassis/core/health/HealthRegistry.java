package dev.chassis.core.health;

import static java.util.Objects.requireNonNull;

import dev.chassis.core.admin.AdminResponse;
import dev.chassis.core.admin.AdminRoute;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link HealthCheck}s and serves {@code GET /health} (liveness) and {@code GET /ready}
 * (readiness) through the admin server.
 *
 * <p>Checks of one kind run in parallel. A check that does not answer within the
 * {@linkplain Builder#timeout(Duration) timeout} (default 2 s) is reported DOWN
 * {@code "timed out after 2000 ms"}, so an endpoint never answers later than the timeout; a check
 * that throws is reported DOWN with the exception's class and message. A check is never run twice at
 * the same time: while a hanging run is still in flight, later requests wait for that same run, so
 * it costs one thread, not one per request. Results are cached for the
 * {@linkplain Builder#cacheTtl(Duration) cache TTL} (default 1 s, measured on the injected
 * {@link Clock}), so probes hammering the endpoints do not hammer the database. The timeout bounds
 * real waiting and is measured with {@link System#nanoTime()}.
 *
 * <p>The readiness switch: after {@link #markShuttingDown()}, {@code /ready} answers 503
 * {@code "shutting down"} without running checks, while {@code /health} keeps answering 200. Wire
 * it as the first step of the shutdown sequence.
 *
 * <p>Instances are thread-safe and intended to be shared; close the registry to stop its threads.
 *
 * <pre>{@code
 * HealthRegistry health = HealthRegistry.builder()
 *         .check(HealthChecks.dataSource("db", dataSource))
 *         .check(HealthCheck.liveness("loop", () -> HealthResult.up()))
 *         .build();
 * lifecycle.onShutdown(ShutdownPhase.READINESS_DOWN, "readiness", health::markShuttingDown);
 * AdminServer admin = AdminServer.builder().routes(health.adminRoutes()).build().start();
 * }</pre>
 */
public final class HealthRegistry implements AutoCloseable {
    /** The reason {@code /ready} gives after {@link #markShuttingDown()}. */
    public static final String SHUTTING_DOWN = "shutting down";

    private static final Logger log = LoggerFactory.getLogger(HealthRegistry.class);

    private final List<HealthCheck> checks;
    private final List<CheckRunner> runners;
    private final Duration timeout;
    private final Duration cacheTtl;
    private final Clock clock;
    private final Executor executor;
    private final @Nullable ExecutorService ownedExecutor;
    private volatile boolean shuttingDown;

    private HealthRegistry(Builder builder) {
        this.checks = List.copyOf(builder.checks);
        this.timeout = builder.timeout;
        this.cacheTtl = builder.cacheTtl;
        this.clock = builder.clock;
        if (builder.executor != null) {
            this.executor = builder.executor;
            this.ownedExecutor = null;
        } else {
            ExecutorService pool = Executors.newCachedThreadPool(daemonThreads());
            this.executor = pool;
            this.ownedExecutor = pool;
        }
        List<CheckRunner> list = new ArrayList<>();
        for (HealthCheck check : checks) {
            list.add(new CheckRunner(check, timeout, cacheTtl, clock, executor));
        }
        this.runners = List.copyOf(list);
    }

    /**
     * A builder with the defaults: no checks, timeout 2 s, cache TTL 1 s, the system UTC clock and an
     * own pool of daemon threads.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Runs (or takes from the cache) the liveness checks.
     *
     * @return the report; UP when there are no liveness checks
     */
    public HealthReport liveness() {
        return HealthReport.of(run(HealthCheck.Kind.LIVENESS));
    }

    /**
     * Runs (or takes from the cache) the readiness checks, unless the service is shutting down.
     *
     * @return the report; DOWN with reason {@value #SHUTTING_DOWN} after {@link #markShuttingDown()}
     */
    public HealthReport readiness() {
        if (shuttingDown) {
            return new HealthReport(HealthStatus.DOWN, Map.of(), SHUTTING_DOWN);
        }
        return HealthReport.of(run(HealthCheck.Kind.READINESS));
    }

    /**
     * Flips the readiness switch: from now on {@code /ready} answers 503 so load balancers and
     * orchestrators stop sending traffic, while {@code /health} is unaffected. Idempotent; there is
     * no way back, as it is meant for shutdown.
     */
    public void markShuttingDown() {
        if (!shuttingDown) {
            shuttingDown = true;
            log.info("readiness is DOWN: shutting down");
        }
    }

    /**
     * Tells whether {@link #markShuttingDown()} was called.
     *
     * @return {@code true} once shutting down
     */
    public boolean isShuttingDown() {
        return shuttingDown;
    }

    /**
     * The routes {@code GET /health} and {@code GET /ready}, answering the report's JSON with 200 when
     * UP and 503 when DOWN.
     *
     * @return the two routes, to pass to {@code AdminServer.builder().routes(...)}
     */
    public List<AdminRoute> adminRoutes() {
        return List.of(
                AdminRoute.get("/health", request -> answer(liveness())),
                AdminRoute.get("/ready", request -> answer(readiness())));
    }

    /**
     * The registered checks, in registration order.
     *
     * @return an immutable list
     */
    public List<HealthCheck> checks() {
        return checks;
    }

    /** Stops the registry's own threads; an executor passed to the builder is left alone. */
    @Override
    public void close() {
        if (ownedExecutor != null) {
            ownedExecutor.shutdownNow();
        }
    }

    private static AdminResponse answer(HealthReport report) {
        return AdminResponse.json(report.httpStatus(), report.toJson());
    }

    private Map<String, HealthResult> run(HealthCheck.Kind kind) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Instant now = clock.instant();
        Map<CheckRunner, CompletableFuture<HealthResult>> pending = new LinkedHashMap<>();
        for (CheckRunner runner : runners) {
            if (runner.check().kind() == kind) {
                pending.put(runner, runner.resultOrRun(now));
            }
        }
        Map<String, HealthResult> results = new LinkedHashMap<>();
        pending.forEach((runner, run) -> results.put(runner.check().name(), runner.await(run, deadline)));
        return results;
    }

    private static ThreadFactory daemonThreads() {
        AtomicInteger counter = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, "chassis-health-" + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /**
     * Configures a {@link HealthRegistry}. Not thread-safe; {@link #build()} copies.
     */
    public static final class Builder {
        private final List<HealthCheck> checks = new ArrayList<>();
        private Duration timeout = Duration.ofSeconds(2);
        private Duration cacheTtl = Duration.ofSeconds(1);
        private Clock clock = Clock.systemUTC();
        private @Nullable Executor executor;

        private Builder() {}

        /**
         * Adds a check.
         *
         * @param check the check; its name must be unique in the registry
         * @return this builder
         */
        public Builder check(HealthCheck check) {
            checks.add(requireNonNull(check, "check"));
            return this;
        }

        /**
         * Adds checks, e.g. the ones a module contributes.
         *
         * @param checks the checks
         * @return this builder
         */
        public Builder checks(Collection<HealthCheck> checks) {
            requireNonNull(checks, "checks").forEach(this::check);
            return this;
        }

        /**
         * How long a check may take before it is reported DOWN; default 2 s. Keep it below the
         * orchestrator's probe timeout.
         *
         * @param timeout positive
         * @return this builder
         */
        public Builder timeout(Duration timeout) {
            requireNonNull(timeout, "timeout");
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeout must be positive, was " + timeout);
            }
            this.timeout = timeout;
            return this;
        }

        /**
         * How long a result is reused; default 1 s. {@link Duration#ZERO} runs the checks on every
         * request.
         *
         * @param cacheTtl zero or positive
         * @return this builder
         */
        public Builder cacheTtl(Duration cacheTtl) {
            requireNonNull(cacheTtl, "cacheTtl");
            if (cacheTtl.isNegative()) {
                throw new IllegalArgumentException("cacheTtl must not be negative, was " + cacheTtl);
            }
            this.cacheTtl = cacheTtl;
            return this;
        }

        /**
         * The clock that dates cached results; default {@link Clock#systemUTC()}.
         *
         * @param clock the clock
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Where checks run; default an own pool of daemon threads, at most one per check. The
         * registry does not shut down an executor given here.
         *
         * @param executor the executor; it needs a free thread per check that runs at the same time
         * @return this builder
         */
        public Builder executor(Executor executor) {
            this.executor = requireNonNull(executor, "executor");
            return this;
        }

        /**
         * Builds the registry.
         *
         * @return the registry
         * @throws IllegalArgumentException naming the check if two checks share a name
         */
        public HealthRegistry build() {
            Set<String> names = new HashSet<>();
            for (HealthCheck check : checks) {
                if (!names.add(check.name())) {
                    throw new IllegalArgumentException("duplicate health check name '" + check.name() + "'");
                }
            }
            return new HealthRegistry(this);
        }
    }
}
