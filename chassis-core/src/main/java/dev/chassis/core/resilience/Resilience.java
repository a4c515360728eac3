package dev.chassis.core.resilience;

import static java.util.Objects.requireNonNull;

import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import dev.failsafe.FailsafeExecutor;
import dev.failsafe.Policy;
import dev.failsafe.RetryPolicy;
import dev.failsafe.RetryPolicyBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Runs calls to one dependency through a fixed set of policies: retry, circuit breaker, bulkhead
 * and timeout, each optional, plus an optional fallback per call.
 *
 * <p>Policies wrap each other in this order, outermost first:
 * <b>fallback → retry → circuit breaker → bulkhead → timeout → call</b>. The fallback sees the
 * final failure after all retries. Each retry asks the breaker again, so an opening breaker stops
 * the retries early (they fail fast with {@link CircuitOpenException}), and each attempt is
 * recorded by the breaker. The bulkhead sits inside the breaker so that its rejections are not
 * counted as the dependency's failures. The timeout bounds one attempt, not the wait for a
 * bulkhead slot or the retry delays; with a breaker, the shorter of the breaker's timeout and the
 * {@link Timeout} applies, so every breaker-protected attempt has a timeout.
 *
 * <pre>{@code
 * Resilience payments = Resilience.builder("payments")
 *         .circuitBreaker(breakers.circuitBreaker("payments"))
 *         .retry(Retry.ofDefaults())
 *         .timeout(Timeout.of(Duration.ofSeconds(2)))
 *         .bulkhead(Bulkhead.of("payments", 10))
 *         .build();
 * Receipt receipt = payments.call(() -> gateway.charge(order));
 * Receipt orQueued = payments.call(() -> gateway.charge(order), failure -> Receipt.queued(order));
 * CompletionStage<Receipt> later = payments.callAsync(() -> asyncGateway.charge(order));
 * }</pre>
 *
 * <p>Synchronous calls run on the calling thread, which also waits out retry delays; their
 * timeouts are checked every 5 ms by one daemon watchdog thread shared by all instances (started on
 * demand, ended after 2 s without a call to watch), which costs no timer task per attempt.
 * Asynchronous calls start on the scheduler's executor (Failsafe's default: the common fork-join
 * pool, with its own timer thread for delays, unless
 * {@link Builder#scheduler(ScheduledExecutorService)} is set); their retry delays and timeouts are
 * timer tasks, so no thread sleeps.
 *
 * <p>Instances are immutable, thread-safe and intended to be shared.
 */
public final class Resilience {
    private final String name;
    private final @Nullable CircuitBreaker circuitBreaker;
    private final @Nullable Retry retry;
    private final @Nullable Timeout timeout;
    private final @Nullable Bulkhead bulkhead;
    private final FailsafeExecutor<Object> executor;
    private final FailsafeExecutor<Object> asyncExecutor;

    private Resilience(Builder builder) {
        this.name = builder.name;
        this.circuitBreaker = builder.circuitBreaker;
        this.retry = builder.retry;
        this.timeout = builder.timeout;
        this.bulkhead = builder.bulkhead;

        List<Policy<Object>> policies = new ArrayList<>();
        if (retry != null) {
            policies.add(retryPolicy(name, retry));
        }
        String timeoutOwner = name;
        @Nullable Duration attemptTimeout = null;
        boolean interrupt = true;
        if (circuitBreaker != null) {
            timeoutOwner = circuitBreaker.name();
            attemptTimeout = circuitBreaker.config().timeout();
        }
        if (timeout != null && (attemptTimeout == null || timeout.duration().compareTo(attemptTimeout) < 0)) {
            timeoutOwner = name;
            attemptTimeout = timeout.duration();
            interrupt = timeout.interrupts();
        }
        policies.add(new GuardPolicy((DefaultCircuitBreaker) circuitBreaker, bulkhead, timeoutOwner,
                attemptTimeout == null ? Duration.ZERO : attemptTimeout, interrupt, builder.watchdog));
        // synchronous attempts are timed by the guard's watchdog; only asynchronous ones by Failsafe
        this.executor = Failsafe.with(policies);
        List<Policy<Object>> asyncPolicies = new ArrayList<>(policies);
        if (attemptTimeout != null) {
            var timeoutBuilder = dev.failsafe.Timeout.builder(attemptTimeout);
            asyncPolicies.add(interrupt ? timeoutBuilder.withInterrupt().build() : timeoutBuilder.build());
        }
        FailsafeExecutor<Object> failsafe = Failsafe.with(asyncPolicies);
        this.asyncExecutor = builder.scheduler == null ? failsafe : failsafe.with(builder.scheduler);
    }

    private static RetryPolicy<Object> retryPolicy(String name, Retry retry) {
        RetryPolicyBuilder<Object> builder = RetryPolicy.builder()
                .handleIf((result, failure) -> failure != null && retry.retryOn().test(failure))
                .withMaxAttempts(retry.maxAttempts());
        if (retry.multiplier() > 1.0 && retry.maxDelay().compareTo(retry.initialDelay()) > 0) {
            builder.withBackoff(retry.initialDelay(), retry.maxDelay(), retry.multiplier());
        } else {
            builder.withDelay(retry.initialDelay());
        }
        if (retry.jitter() > 0.0) {
            builder.withJitter(retry.jitter());
        }
        RetryListener listener = retry.listener();
        builder.onRetryScheduled(event -> {
            try {
                listener.onRetry(name, event.getAttemptCount(), event.getDelay(), event.getLastException());
            } catch (RuntimeException ignored) {
                // a listener must not change the call's outcome
            }
        });
        return builder.build();
    }

    /**
     * A builder for a policy set named after the dependency it protects.
     *
     * @param name the name, shown in errors and logs
     * @return a new builder with no policies
     */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /**
     * Calls through the policies.
     *
     * @param callable the call; called once per attempt
     * @param <T> the result type
     * @param <X> the checked exception the call may throw
     * @return the call's result
     * @throws X the call's own failure, after retries
     * @throws CircuitOpenException if the breaker rejected the last attempt
     * @throws TimeoutExceededException if the last attempt timed out
     * @throws BulkheadFullException if the bulkhead rejected the last attempt
     */
    public <T, X extends Exception> T call(CheckedCallable<T, X> callable) throws X {
        requireNonNull(callable, "callable");
        try {
            return executor.get(callable::call);
        } catch (FailsafeException e) {
            // Failsafe wraps checked exceptions; only the callable throws checked ones, so this is an X
            throw Resilience.<X>sneaky(e.getCause() == null ? e : e.getCause());
        }
    }

    /**
     * Calls through the policies, answering with a fallback when the call fails for good.
     *
     * @param callable the call; called once per attempt
     * @param fallback maps the final failure (after retries, or a rejection) to a result
     * @param <T> the result type
     * @return the call's result, or the fallback's
     */
    public <T> T call(CheckedCallable<? extends T, ?> callable, Function<Throwable, ? extends T> fallback) {
        requireNonNull(callable, "callable");
        requireNonNull(fallback, "fallback");
        try {
            return call(callable);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return fallback.apply(e);
        }
    }

    /**
     * Runs a call without a result through the policies.
     *
     * @param action the call; called once per attempt
     * @param <X> the checked exception the call may throw
     * @throws X the call's own failure, after retries
     * @throws CircuitOpenException if the breaker rejected the last attempt
     * @throws TimeoutExceededException if the last attempt timed out
     * @throws BulkheadFullException if the bulkhead rejected the last attempt
     */
    public <X extends Exception> void run(CheckedRunnable<X> action) throws X {
        requireNonNull(action, "action");
        call(() -> {
            action.run();
            return null;
        });
    }

    /**
     * Starts an asynchronous call through the policies. Each attempt calls {@code supplier} on the
     * scheduler's executor; retries wait on the scheduler.
     *
     * @param supplier starts one attempt and returns its stage
     * @param <T> the result type
     * @return a stage with the call's result, or failed with the call's final failure or one of
     *     this package's exceptions
     */
    public <T> CompletionStage<T> callAsync(Supplier<? extends CompletionStage<T>> supplier) {
        requireNonNull(supplier, "supplier");
        return asyncExecutor.getStageAsync(() -> owned(supplier.get()));
    }

    /**
     * Starts an asynchronous call through the policies, answering with a fallback when it fails for
     * good.
     *
     * @param supplier starts one attempt and returns its stage
     * @param fallback maps the final failure to a result; runs on the thread that completes the call
     * @param <T> the result type
     * @return a stage with the call's or the fallback's result
     */
    public <T> CompletionStage<T> callAsync(Supplier<? extends CompletionStage<T>> supplier,
            Function<Throwable, ? extends T> fallback) {
        requireNonNull(fallback, "fallback");
        return callAsync(supplier).handle((value, failure) -> failure == null ? value : fallback.apply(unwrap(failure)));
    }

    /**
     * @return the name given to the builder
     */
    public String name() {
        return name;
    }

    /**
     * @return the circuit breaker, if one is configured
     */
    public Optional<CircuitBreaker> circuitBreaker() {
        return Optional.ofNullable(circuitBreaker);
    }

    /**
     * @return the retry, if one is configured
     */
    public Optional<Retry> retry() {
        return Optional.ofNullable(retry);
    }

    /**
     * @return the timeout, if one is configured (a breaker's own timeout is not shown here)
     */
    public Optional<Timeout> timeout() {
        return Optional.ofNullable(timeout);
    }

    /**
     * @return the bulkhead, if one is configured
     */
    public Optional<Bulkhead> bulkhead() {
        return Optional.ofNullable(bulkhead);
    }

    @Override
    public String toString() {
        return "Resilience[" + name + ", circuitBreaker=" + circuitBreaker + ", retry=" + retry + ", timeout="
                + timeout + ", bulkhead=" + bulkhead + "]";
    }

    /** A stage of our own, so that a timeout can complete it without touching the caller's stage. */
    private static <T> CompletableFuture<T> owned(CompletionStage<T> stage) {
        requireNonNull(stage, "the supplier returned null instead of a stage");
        CompletableFuture<T> owned = new CompletableFuture<>();
        stage.whenComplete((value, failure) -> {
            if (failure == null) {
                owned.complete(value);
            } else {
                owned.completeExceptionally(unwrap(failure));
            }
        });
        return owned;
    }

    private static Throwable unwrap(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }

    @SuppressWarnings("unchecked")
    private static <X extends Throwable> X sneaky(Throwable failure) throws X {
        throw (X) failure;
    }

    /** Builds a {@link Resilience}. Not thread-safe; {@link #build()} takes a snapshot. */
    public static final class Builder {
        private final String name;
        private @Nullable CircuitBreaker circuitBreaker;
        private @Nullable Retry retry;
        private @Nullable Timeout timeout;
        private @Nullable Bulkhead bulkhead;
        private @Nullable ScheduledExecutorService scheduler;
        private Watchdog watchdog = Watchdog.shared();

        private Builder(String name) {
            requireNonNull(name, "name");
            if (name.isBlank()) {
                throw new IllegalArgumentException("name must not be blank");
            }
            this.name = name;
        }

        /**
         * @param circuitBreaker the breaker; its timeout bounds every attempt
         * @return this builder
         */
        public Builder circuitBreaker(CircuitBreaker circuitBreaker) {
            this.circuitBreaker = requireNonNull(circuitBreaker, "circuitBreaker");
            return this;
        }

        /**
         * @param retry the retry; none by default
         * @return this builder
         */
        public Builder retry(Retry retry) {
            this.retry = requireNonNull(retry, "retry");
            return this;
        }

        /**
         * @param timeout the per-attempt timeout; none by default (a breaker brings its own)
         * @return this builder
         */
        public Builder timeout(Timeout timeout) {
            this.timeout = requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * @param bulkhead the bulkhead; none by default
         * @return this builder
         */
        public Builder bulkhead(Bulkhead bulkhead) {
            this.bulkhead = requireNonNull(bulkhead, "bulkhead");
            return this;
        }

        /**
         * Where asynchronous attempts start and where their retry delays and timeouts are timed
         * (synchronous attempts are timed by the shared watchdog). The caller keeps ownership and
         * shuts it down.
         *
         * @param scheduler the scheduler; Failsafe's default scheduler if not set
         * @return this builder
         */
        public Builder scheduler(ScheduledExecutorService scheduler) {
            this.scheduler = requireNonNull(scheduler, "scheduler");
            return this;
        }

        /** Times synchronous attempts with this watchdog instead of the shared one (for tests). */
        Builder watchdog(Watchdog watchdog) {
            this.watchdog = requireNonNull(watchdog, "watchdog");
            return this;
        }

        /**
         * Builds the policy set.
         *
         * @return the resilience
         */
        public Resilience build() {
            return new Resilience(this);
        }
    }
}
