package dev.chassis.messaging.inbox;

import dev.chassis.core.bus.Delivery;
import dev.chassis.core.inbox.InboxTransaction;

/**
 * A handler whose effects run inside the inbox's transaction. With a JDBC inbox, write the effects
 * through {@code transaction.connection()}: they commit together with the record of the message id,
 * or roll back together with it.
 *
 * <p>Called on the subscription's consumer threads, once per message id that the inbox has not
 * recorded yet; with a subscription concurrency above 1, from several threads at once, so an
 * implementation must be thread-safe.
 */
@FunctionalInterface
public interface InboxHandler {
    /**
     * Handles a delivery seen for the first time.
     *
     * @param delivery the message
     * @param transaction the open inbox transaction; valid only during this call
     * @throws Exception to roll back the effects and the record; the bus then retries or dead-letters
     *     the message as for any {@link dev.chassis.core.bus.EventHandler}
     */
    void handle(Delivery delivery, InboxTransaction transaction) throws Exception;
}
