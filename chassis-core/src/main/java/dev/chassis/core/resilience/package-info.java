/**
 * Resilience policies for calls to other services: {@link dev.chassis.core.resilience.CircuitBreaker},
 * {@link dev.chassis.core.resilience.Retry}, {@link dev.chassis.core.resilience.Timeout},
 * {@link dev.chassis.core.resilience.Bulkhead} and a per-call fallback, composed into a
 * {@link dev.chassis.core.resilience.Resilience} that runs calls synchronously or asynchronously.
 *
 * <pre>{@code
 * CircuitBreakerRegistry breakers = CircuitBreakerRegistry.ofDefaults();
 * Resilience payments = Resilience.builder("payments")
 *         .circuitBreaker(breakers.circuitBreaker("payments"))
 *         .retry(Retry.ofDefaults())
 *         .build();
 * Receipt receipt = payments.call(() -> gateway.charge(order));
 * }</pre>
 *
 * <p>Failures surface as typed exceptions that extend {@link dev.chassis.core.RetryableException}
 * and name the component: {@link dev.chassis.core.resilience.CircuitOpenException},
 * {@link dev.chassis.core.resilience.TimeoutExceededException},
 * {@link dev.chassis.core.resilience.BulkheadFullException}. The execution pipeline runs on
 * Failsafe; no Failsafe type appears in this package's API. Synchronous timeouts are ours (a shared
 * watchdog thread with 5 ms granularity) because Failsafe's cost a timer task per attempt. The circuit breaker's state machine is
 * implemented here because Failsafe's breaker reads {@code System.nanoTime()} and cannot take a
 * {@link java.time.Clock}.
 */
@NullMarked
package dev.chassis.core.resilience;

import org.jspecify.annotations.NullMarked;
