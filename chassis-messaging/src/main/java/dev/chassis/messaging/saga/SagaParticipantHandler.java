package dev.chassis.messaging.saga;

import dev.chassis.core.envelope.Envelope;
import dev.chassis.core.inbox.InboxTransaction;
import org.jspecify.annotations.Nullable;

/**
 * A saga participant's handling of one command, run inside the inbox transaction that records the
 * command's idempotency key. With a JDBC inbox store, write the effect through
 * {@code transaction.connection()}: effect and record commit or roll back together.
 *
 * <pre>{@code
 * SagaParticipantHandler reserve = (command, tx, firstTime) -> {
 *     if (firstTime) {
 *         stock.reserve(tx.connection(), command.dataAs(Order.class));
 *     }
 *     return SagaEnvelopes.replyTo(command).source("/inventory").type("inventory.reserved").build();
 * };
 * }</pre>
 *
 * <p>Called on the subscription's consumer threads, possibly from several at once, so an
 * implementation must be thread-safe.
 */
@FunctionalInterface
public interface SagaParticipantHandler {
    /**
     * Handles a command delivery.
     *
     * @param command the saga command
     * @param transaction the open inbox transaction; valid only during this call
     * @param firstTime {@code true} when the command's idempotency key is new: act; {@code false} for
     *     a resend or a redelivery of a command already acted on: do not act again, but answer as
     *     the first time (a decision such as "declined" must be derivable again, e.g. from the
     *     participant's own tables)
     * @return the reply, built with {@link dev.chassis.core.saga.SagaEnvelopes#replyTo} or
     *     {@link dev.chassis.core.saga.SagaEnvelopes#failureReplyTo}; {@code null} to not answer
     *     (the saga's step then times out)
     * @throws Exception to roll back the effect and the record; the bus then retries or dead-letters
     *     the command as for any handler
     */
    @Nullable Envelope handle(Envelope command, InboxTransaction transaction, boolean firstTime) throws Exception;
}
