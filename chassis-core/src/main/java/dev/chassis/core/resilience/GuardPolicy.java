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
 * A Failsafe policy (through Failsafe's public SPI) that sits between retry and bulkhead: it asks
 * our {@link DefaultCircuitBreaker} for a permit around each attempt, settles the permit with the
 * attempt's outcome, and turns Failsafe's timeout and bulkhead exceptions into ours, so that retry
 * predicates, fallbacks and callers only ever see chassis types.
 */
final class GuardPolicy implements Policy<Object> {
    private final @Nullable DefaultCircuitBreaker breaker;
    private final String bulkheadName;
    private final String timeoutOwner;
    private final Duration timeout;
    private final PolicyConfig<Object> config = new PolicyConfig<>() {
    };

    GuardPolicy(@Nullable DefaultCircuitBreaker breaker, String bulkheadName, String timeoutOwner, Duration timeout) {
        this.breaker = breaker;
        this.bulkheadName = bulkheadName;
        this.timeoutOwner = timeoutOwner;
        this.timeout = timeout;
    }

    @Override
    public PolicyConfig<Object> getConfig() {
        return config;
    }

    @Override
    public PolicyExecutor<Object> toExecutor(int policyIndex) {
        return new GuardExecutor(policyIndex);
    }

    Throwable translate(Throwable failure) {
        if (failure instanceof dev.failsafe.TimeoutExceededException) {
            return new TimeoutExceededException(timeoutOwner, timeout);
        }
        if (failure instanceof dev.failsafe.BulkheadFullException) {
            return new BulkheadFullException(bulkheadName);
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
        Throwable translated = translate(failure);
        if (permit != null) {
            if (translated instanceof BulkheadFullException) {
                permit.ignored();
            } else {
                permit.failed();
            }
        }
        return translated == failure ? result : ExecutionResult.exception(translated);
    }

    private final class GuardExecutor extends PolicyExecutor<Object> {
        GuardExecutor(int policyIndex) {
            super(GuardPolicy.this, policyIndex);
        }

        @Override
        public Function<SyncExecutionInternal<Object>, ExecutionResult<Object>> apply(
                Function<SyncExecutionInternal<Object>, ExecutionResult<Object>> innerFn, Scheduler scheduler) {
            Function<SyncExecutionInternal<Object>, ExecutionResult<Object>> guarded = execution -> {
                DefaultCircuitBreaker.Permit permit = null;
                if (breaker != null) {
                    try {
                        permit = breaker.acquire();
                    } catch (CircuitOpenException rejected) {
                        execution.preExecute();
                        return ExecutionResult.exception(rejected);
                    }
                }
                ExecutionResult<Object> result;
                try {
                    result = innerFn.apply(execution);
                } catch (RuntimeException | Error e) {
                    if (permit != null) {
                        permit.failed();
                    }
                    throw e;
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
                DefaultCircuitBreaker.Permit acquired = null;
                if (breaker != null) {
                    try {
                        acquired = breaker.acquire();
                    } catch (CircuitOpenException rejected) {
                        execution.preExecute();
                        return CompletableFuture.completedFuture(ExecutionResult.exception(rejected));
                    }
                }
                DefaultCircuitBreaker.Permit permit = acquired;
                CompletableFuture<ExecutionResult<Object>> inner;
                try {
                    inner = innerFn.apply(execution);
                } catch (RuntimeException | Error e) {
                    if (permit != null) {
                        permit.failed();
                    }
                    throw e;
                }
                return inner.handle((result, error) -> {
                    if (error != null) {
                        if (permit != null) {
                            permit.failed();
                        }
                        Throwable cause = error instanceof CompletionException && error.getCause() != null
                                ? error.getCause() : error;
                        return ExecutionResult.exception(translate(cause));
                    }
                    if (result == null) {
                        // the outcome is recorded elsewhere (cancellation); free a probe permit
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
