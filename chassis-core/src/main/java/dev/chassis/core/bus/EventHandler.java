package dev.chassis.core.bus;

/**
 * Handles one delivered message.
 *
 * <ul>
 *   <li>Return normally: the message is acknowledged and gone.</li>
 *   <li>Throw a {@link dev.chassis.core.RetryableException} or any exception other than a
 *       {@link dev.chassis.core.NonRetryableException}: the message is delivered again after the
 *       subscription's backoff, until its {@link RetryPolicy} runs out of attempts.</li>
 *   <li>Throw a {@link dev.chassis.core.NonRetryableException}, or run out of attempts: the message
 *       goes to the subscription's dead-letter queue with the failure in its headers.</li>
 * </ul>
 *
 * <p>Called on the subscription's consumer threads, at most {@code concurrency} at a time; with the
 * delivery's correlation context current. A handler must be idempotent: delivery is at least once.
 */
@FunctionalInterface
public interface EventHandler {
    /**
     * Handles a delivery.
     *
     * @param delivery the message and its delivery facts
     * @throws Exception to ask for a retry or, with a {@code NonRetryableException}, a dead letter
     */
    void handle(Delivery delivery) throws Exception;
}
