package dev.chassis.core.health;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one check: at most one run in flight, its result cached for a while, failures and timeouts
 * turned into DOWN results. Thread-safe; all state is guarded by a private lock.
 */
final class CheckRunner {
    private static final Logger log = LoggerFactory.getLogger(HealthRegistry.class);

    private final HealthCheck check;
    private final Duration timeout;
    private final Duration cacheTtl;
    private final Clock clock;
    private final Executor executor;
    private final Object lock = new Object();
    private @Nullable CompletableFuture<HealthResult> inFlight;
    private @Nullable HealthResult cached;
    private @Nullable Instant cachedAt;

    CheckRunner(HealthCheck check, Duration timeout, Duration cacheTtl, Clock clock, Executor executor) {
        this.check = check;
        this.timeout = timeout;
        this.cacheTtl = cacheTtl;
        this.clock = clock;
        this.executor = executor;
    }

    HealthCheck check() {
        return check;
    }

    /** The cached result, the run in flight, or a new run. Does not block. */
    CompletableFuture<HealthResult> resultOrRun(Instant now) {
        synchronized (lock) {
            if (cached != null && cachedAt != null && now.isBefore(cachedAt.plus(cacheTtl))) {
                return CompletableFuture.completedFuture(cached);
            }
            if (inFlight != null) {
                return inFlight;
            }
            CompletableFuture<HealthResult> run;
            try {
                run = CompletableFuture.supplyAsync(this::probe, executor);
            } catch (RejectedExecutionException e) {
                return CompletableFuture.completedFuture(
                        HealthResult.down("check could not be scheduled: " + e.getMessage()));
            }
            inFlight = run;
            run.thenAccept(result -> completed(run, result));
            return run;
        }
    }

    /** Waits for a run until {@code deadline} ({@link System#nanoTime()}); DOWN if it is not done by then. */
    HealthResult await(CompletableFuture<HealthResult> run, long deadline) {
        try {
            return run.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            HealthResult timedOut = HealthResult.down("timed out after " + timeout.toMillis() + " ms");
            synchronized (lock) {
                // a result that arrives later replaces this one
                if (inFlight == run) {
                    cached = timedOut;
                    cachedAt = clock.instant();
                }
            }
            log.warn("health check '{}' timed out after {} ms", check.name(), timeout.toMillis());
            return timedOut;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return HealthResult.down("interrupted while waiting for the check");
        } catch (ExecutionException e) {
            // probe() turns failures into results; this is only a safety net
            return describe(e.getCause() == null ? e : e.getCause());
        }
    }

    private void completed(CompletableFuture<HealthResult> run, HealthResult result) {
        synchronized (lock) {
            if (inFlight == run) {
                inFlight = null;
            }
            cached = result;
            cachedAt = clock.instant();
        }
    }

    private HealthResult probe() {
        try {
            HealthResult result = check.probe().check();
            if (result == null) {
                return HealthResult.down("check returned no result");
            }
            return result;
        } catch (Exception | LinkageError | AssertionError e) {
            log.warn("health check '{}' failed", check.name(), e);
            return describe(e);
        }
    }

    private static HealthResult describe(Throwable failure) {
        String message = failure.getMessage();
        return HealthResult.down(failure.getClass().getName() + (message == null ? "" : ": " + message));
    }
}
