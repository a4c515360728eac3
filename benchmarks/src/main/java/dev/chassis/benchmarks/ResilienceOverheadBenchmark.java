package dev.chassis.benchmarks;

import dev.chassis.core.resilience.CircuitBreakerConfig;
import dev.chassis.core.resilience.Resilience;
import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeExecutor;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.timelimiter.TimeLimiter;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Closed-path overhead of a circuit breaker, a timeout and a retry around a trivial synchronous
 * call: the call alone, the chassis stack, Failsafe with the same policies, and Resilience4j.
 *
 * <p>All stacks use the same settings: a count-based breaker opening at 50 % of the last 20 calls
 * (Failsafe: 10 failures of the last 20), 30 s open, 3 half-open probes; 3 s timeout; 3 attempts
 * with exponential backoff from 100 ms, doubling up to 2 s, jitter 0.5. The call never fails, so
 * only the bookkeeping of the success path is measured.
 *
 * <p>Resilience4j has no timeout for a synchronous call on the caller's thread: its
 * {@code TimeLimiter} bounds a {@code Future}, so the call must be handed to another thread. The
 * benchmark therefore reports Resilience4j breaker + retry without a timeout (to compare with
 * Failsafe without a timeout), and with a {@code TimeLimiter} over a single-thread executor (the
 * price of a sync timeout there). A chassis breaker always carries its timeout, so the chassis has
 * no variant without one.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
public class ResilienceOverheadBenchmark {
    private static final Duration TIMEOUT = Duration.ofSeconds(3);
    private static final Duration INITIAL_DELAY = Duration.ofMillis(100);
    private static final Duration MAX_DELAY = Duration.ofSeconds(2);

    private int input = 17;

    private Resilience chassis;
    private FailsafeExecutor<Object> failsafeWithTimeout;
    private FailsafeExecutor<Object> failsafeWithoutTimeout;
    private Supplier<Integer> resilience4jWithoutTimeout;
    private Callable<Integer> resilience4jWithTimeLimiter;
    private ExecutorService timeLimiterThread;

    @Setup(Level.Trial)
    public void setUp() {
        chassis = Resilience.builder("bench")
                .circuitBreaker(dev.chassis.core.resilience.CircuitBreaker.of("bench", CircuitBreakerConfig.builder()
                        .timeout(TIMEOUT).failureRateThreshold(50).slidingWindowSize(20).minimumCalls(10)
                        .openDuration(Duration.ofSeconds(30)).halfOpenPermits(3).build()))
                .retry(dev.chassis.core.resilience.Retry.builder().maxAttempts(3).initialDelay(INITIAL_DELAY)
                        .maxDelay(MAX_DELAY).multiplier(2).jitter(0.5).build())
                .timeout(dev.chassis.core.resilience.Timeout.of(TIMEOUT))
                .build();

        dev.failsafe.RetryPolicy<Object> failsafeRetry = dev.failsafe.RetryPolicy.builder()
                .withMaxAttempts(3).withBackoff(INITIAL_DELAY, MAX_DELAY, 2).withJitter(0.5).build();
        dev.failsafe.CircuitBreaker<Object> failsafeBreaker = dev.failsafe.CircuitBreaker.builder()
                .withFailureThreshold(10, 20).withDelay(Duration.ofSeconds(30)).withSuccessThreshold(3).build();
        dev.failsafe.Timeout<Object> failsafeTimeout = dev.failsafe.Timeout.builder(TIMEOUT).withInterrupt().build();
        failsafeWithTimeout = Failsafe.with(failsafeRetry, failsafeBreaker, failsafeTimeout);
        failsafeWithoutTimeout = Failsafe.with(failsafeRetry, dev.failsafe.CircuitBreaker.builder()
                .withFailureThreshold(10, 20).withDelay(Duration.ofSeconds(30)).withSuccessThreshold(3).build());

        io.github.resilience4j.circuitbreaker.CircuitBreakerConfig r4jBreakerConfig =
                io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.custom()
                        .slidingWindowType(io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                        .slidingWindowSize(20).minimumNumberOfCalls(10).failureRateThreshold(50)
                        .waitDurationInOpenState(Duration.ofSeconds(30)).permittedNumberOfCallsInHalfOpenState(3)
                        .build();
        RetryConfig r4jRetryConfig = RetryConfig.custom().maxAttempts(3)
                .intervalFunction(IntervalFunction.ofExponentialRandomBackoff(INITIAL_DELAY, 2.0, 0.5, MAX_DELAY))
                .build();
        resilience4jWithoutTimeout = Retry.decorateSupplier(Retry.of("bench", r4jRetryConfig),
                CircuitBreaker.decorateSupplier(CircuitBreaker.of("bench", r4jBreakerConfig), this::call));

        timeLimiterThread = Executors.newSingleThreadExecutor();
        TimeLimiter timeLimiter = TimeLimiter.of(TimeLimiterConfig.custom().timeoutDuration(TIMEOUT).build());
        resilience4jWithTimeLimiter = Retry.decorateCallable(Retry.of("bench-tl", r4jRetryConfig),
                CircuitBreaker.decorateCallable(CircuitBreaker.of("bench-tl", r4jBreakerConfig),
                        TimeLimiter.decorateFutureSupplier(timeLimiter, () -> timeLimiterThread.submit(this::call))));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        timeLimiterThread.shutdownNow();
    }

    /** The protected call: cheap, but not constant-foldable. */
    private Integer call() {
        return input * 31 + 7;
    }

    @Benchmark
    public Integer raw() {
        return call();
    }

    @Benchmark
    public Integer chassisBreakerTimeoutRetry() {
        return chassis.call(this::call);
    }

    @Benchmark
    public Object failsafeBreakerTimeoutRetry() {
        return failsafeWithTimeout.get(this::call);
    }

    @Benchmark
    public Object failsafeBreakerRetryNoTimeout() {
        return failsafeWithoutTimeout.get(this::call);
    }

    @Benchmark
    public Integer resilience4jBreakerRetryNoTimeout() {
        return resilience4jWithoutTimeout.get();
    }

    @Benchmark
    public Integer resilience4jBreakerTimeLimiterRetryThreadHop() throws Exception {
        return resilience4jWithTimeLimiter.call();
    }
}
