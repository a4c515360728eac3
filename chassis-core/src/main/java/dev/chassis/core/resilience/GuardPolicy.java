package dev.chassis.core.resilience;

import dev.failsafe.Policy;
import dev.failsafe.PolicyConfig;
import dev.failsafe.spi.AsyncExecutionInternal;
import dev.failsafe.spi.ExecutionResult;
import dev.failsafe.spi.FailsafeFuture;
import dev.failsafe.spi.PolicyExecutor;
import dev.failsafe.spi.Scheduler;
import dev.failsafe.spi.SyncExecutionInternal;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * A Failsafe policy (through Failsafe's public SPI) that sits inside retry. Around each attempt it
 * asks our {@link DefaultCircuitBreaker} for a permit, then takes a {@link Bulkhead} slot, and
 * afterwards settles the permit with the attempt's outcome and frees the slot.
 *
 * <p>A synchronous attempt is timed by the {@link Watchdog}, not by a Failsafe timeout (which
 * schedules and cancels a timer task per attempt): the watchdog fails the permit and interrupts
 * the thread when the timeout expires, and this policy then answers {@link TimeoutExceededException}
 * whatever the attempt returned. An asynchronous attempt is timed by a Failsafe timeout inside this
 * policy, whose exception this policy turns into ours, so that retry predicates, fallbacks and
 * callers only ever see chassis types.
 */
final class GuardPolicy implements Policy<Object> {
    private final @Nullable DefaultCircuitBreaker breaker;
    private final @Nullable Bulkhead bulkhead;
    private final String timeoutOwner;
    private final Duration timeout;
    private final long syncTimeoutNanos;
    private final boolean interrupt;
    private final Watchdog watchdog;
    private final PolicyConfig<Object> config = new PolicyConfig<>() {
    };

    GuardPolicy(@Nullable DefaultCircuitBreaker breaker, @Nullable Bulkhead bulkhead, String timeoutOwner,
            Duration timeout, boolean interrupt, Watchdog watchdog) {
        this.breaker = breaker;
        this.bulkhead = bulkhead;
        this.timeoutOwner = timeoutOwner;
        this.timeout = timeout;
        this.syncTimeoutNanos = timeout.toNanos();
        this.interrupt = interrupt;
        this.watchdog = watchdog;
    }

    @Override
    public PolicyConfig<Object> getConfig() {
        return config;
    }

    @Override
    public PolicyExecutor<Object> toExecutor(int policyIndex) {
        return new GuardExecutor(policyIndex);
    }

    private Throwable translate(Throwable failure) {
        if (failure instanceof dev.failsafe.TimeoutExceededException) {
            return new TimeoutExceededException(timeoutOwner, timeout);
        }
        return failure;
    }

    private ExecutionResult<Object> settle(DefaultCircuitBreaker.@Nullable Permit permit, ExecutionResult<Object> result) {
        Throwable failure = result.getException();
        if (failure == null) {
            if (permit != null) {
                permit.succeeded();
            }
            return result;
        }
        if (permit != null) {
            permit.failed();
        }
        Throwable translated = translate(failure);
        return translated == failure ? result : ExecutionResult.exception(translated);
    }

    private static ExecutionResult<Object> rejected(SyncExecutionInternal<Object> execution, Throwable rejection) {
        execution.preExecute();
        return ExecutionResult.exception(rejection);
    }

    private final class GuardExecutor extends PolicyExecutor<Object> {
        GuardExecutor(int policyIndex) {
            super(GuardPolicy.this, policyIndex);
        }

        @Override
        public Function<SyncExecutionInternal<Object>, ExecutionResult<Object>> apply(
                Function<SyncExecutionInternal<Object>, ExecutionResult<Object>> innerFn, Scheduler scheduler) {
            Function<SyncExecutionInternal<Object>, ExecutionResult<Object>> guarded = execution -> {
                DefaultCircuitBreaker.@Nullable Permit permit = null;
                if (breaker != null) {
                    try {
                        permit = breaker.acquire();
                    } catch (CircuitOpenException rejection) {
                        return rejected(execution, rejection);
                    }
                }
                if (bulkhead != null) {
                    boolean entered;
                    try {
                        entered = bulkhead.tryEnter();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        entered = false;
                    }
                    if (!entered) {
                        if (permit != null) {
                            permit.ignored();
                        }
                        return rejected(execution, new BulkheadFullException(bulkhead.name()));
                    }
                }
                ExecutionResult<Object> result;
                Watchdog.@Nullable Watch watch = null;
                try {
                    if (syncTimeoutNanos > 0) {
                        watch = watchdog.watch(syncTimeoutNanos, interrupt, permit);
                    }
                    result = innerFn.apply(execution);
                } catch (RuntimeException | Error e) {
                    if ((watch == null || watch.finish()) && permit != null) {
                        permit.failed();
                    }
                    throw e;
                } finally {
                    if (bulkhead != null) {
                        bulkhead.exit();
                    }
                }
                if (watch != null && !watch.finish()) {
                    // the watchdog has failed the permit; the late outcome is discarded
                    return ExecutionResult.exception(new TimeoutExceededException(timeoutOwner, timeout));
                }
                return settle(permit, result);
            };
            return super.apply(guarded, scheduler);
        }

        @Override
        public Function<AsyncExecutionInternal<Object>, CompletableFuture<ExecutionResult<Object>>> applyAsync(
                Function<AsyncExecutionInternal<Object>, CompletableFuture<ExecutionResult<Object>>> innerFn,
                Scheduler scheduler, FailsafeFuture<Object> future) {
            Function<AsyncExecutionInternal<Object>, CompletableFuture<ExecutionResult<Object>>> guarded = execution -> {
                DefaultCircuitBreaker.@Nullable Permit acquired = null;
                if (breaker != null) {
                    try {
                        acquired = breaker.acquire();
                    } catch (CircuitOpenException rejection) {
                        execution.preExecute();
                        return CompletableFuture.completedFuture(ExecutionResult.exception(rejection));
                    }
                }
                DefaultCircuitBreaker.@Nullable Permit permit = acquired;
                if (bulkhead != null && !bulkhead.tryEnterNow()) {
                    if (permit != null) {
                        permit.ignored();
                    }
                    execution.preExecute();
                    return CompletableFuture.completedFuture(
                            ExecutionResult.exception(new BulkheadFullException(bulkhead.name())));
                }
                CompletableFuture<ExecutionResult<Object>> inner;
                try {
                    inner = innerFn.apply(execution);
                } catch (RuntimeException | Error e) {
                    if (bulkhead != null) {
                        bulkhead.exit();
                    }
                    if (permit != null) {
                        permit.failed();
                    }
                    throw e;
                }
                return inner.handle((result, error) -> {
                    if (bulkhead != null) {
                        bulkhead.exit();
                    }
                    if (error != null) {
                        if (permit != null) {
                            permit.failed();
                        }
                        Throwable cause = error instanceof CompletionException && error.getCause() != null
                                ? error.getCause() : error;
                        return ExecutionResult.exception(translate(cause));
                    }
                    if (result == null) {
                        // no outcome to record here (cancelled); free a probe permit
                        if (permit != null) {
                            permit.ignored();
                        }
                        return null;
                    }
                    return settle(permit, result);
                });
            };
            return super.applyAsync(guarded, scheduler, future);
        }
    }
}
