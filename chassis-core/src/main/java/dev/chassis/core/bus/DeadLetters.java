package dev.chassis.core.bus;

import java.util.List;

/**
 * Inspects and redrives dead-lettered messages of a bus's subscriptions. Redriving sends a message
 * back to its subscription's queue with a fresh attempt count, so a fixed handler gets to process it.
 * Thread-safe.
 *
 * <pre>{@code
 * DeadLetters dlq = bus.deadLetters();
 * for (DeadLetter letter : dlq.peek("email-service.welcome", 20)) {
 *     log.info("{} failed with {}", letter.messageId(), letter.exceptionMessage());
 * }
 * dlq.redriveAll("email-service.welcome");
 * }</pre>
 */
public interface DeadLetters {
    /**
     * Counts the dead letters of a queue.
     *
     * @param queue a subscription's queue
     * @return the number of dead letters
     */
    long count(String queue);

    /**
     * Returns the oldest dead letters of a queue without removing them.
     *
     * @param queue a subscription's queue
     * @param limit at most this many, 1..1000
     * @return the dead letters, oldest first
     */
    List<DeadLetter> peek(String queue, int limit);

    /**
     * Sends every dead letter of a queue back to it.
     *
     * @param queue a subscription's queue
     * @return how many were redriven
     */
    long redriveAll(String queue);

    /**
     * Sends the dead letter with the given message id back to its queue; other dead letters stay.
     *
     * @param queue a subscription's queue
     * @param messageId the id shown by {@link #peek(String, int)}
     * @return whether such a dead letter was found and redriven
     */
    boolean redrive(String queue, String messageId);
}
