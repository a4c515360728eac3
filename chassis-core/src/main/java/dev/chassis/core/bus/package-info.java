/**
 * The event bus API: {@link dev.chassis.core.bus.EventBus} publishes envelopes to topics with
 * broker confirms and delivers them to {@link dev.chassis.core.bus.Subscription}s at least once, with
 * retries through delay queues and dead-letter queues that can be inspected and redriven
 * ({@link dev.chassis.core.bus.DeadLetters}). Implementations live in {@code chassis-messaging}.
 * A feature package.
 */
@NullMarked
package dev.chassis.core.bus;

import org.jspecify.annotations.NullMarked;
