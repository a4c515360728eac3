package dev.chassis.core.outbox;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Where outbox messages wait until a relay has published them: the part of an outbox a relay needs.
 * Writing is not part of this interface, because it belongs to the writer's own transaction (see
 * {@code Outbox} and {@code InMemoryOutbox} in {@code chassis-messaging}).
 *
 * <p>Implementations must never hide a committed unsent message from {@link #unsent(int)}, even when
 * messages commit in another order than their ids were assigned: a message written by a transaction
 * that commits late appears in a later call, at its id's place. Every implementation runs the
 * testkit's {@code OutboxStoreCompatibilityKit}. Implementations are thread-safe.
 */
public interface OutboxStore {
    /**
     * The oldest committed unsent messages, in ascending id order.
     *
     * @param limit at most this many, positive
     * @return the records, possibly empty
     * @throws dev.chassis.core.ChassisException if the store cannot be read (retryable when transient)
     */
    List<OutboxRecord> unsent(int limit);

    /**
     * Marks a message as sent. Marking an already sent or purged message does nothing.
     *
     * @param id the record's id
     * @param sentAt when it was published
     * @throws dev.chassis.core.ChassisException if the store cannot be written
     */
    void markSent(long id, Instant sentAt);

    /**
     * Marks several messages as sent, in one write where the store can. Marking an already sent or
     * purged message does nothing. The default marks them one by one.
     *
     * @param ids the records' ids
     * @param sentAt when they were published
     * @throws dev.chassis.core.ChassisException if the store cannot be written
     */
    default void markSent(Collection<Long> ids, Instant sentAt) {
        for (long id : ids) {
            markSent(id, sentAt);
        }
    }

    /**
     * Deletes at most {@code limit} sent messages that were sent before {@code sentBefore}; unsent
     * messages are never deleted.
     *
     * @param sentBefore the cut-off, exclusive
     * @param limit at most this many, positive
     * @return how many were deleted
     * @throws dev.chassis.core.ChassisException if the store cannot be written
     */
    int purgeSent(Instant sentBefore, int limit);

    /**
     * How many committed messages are not yet sent.
     *
     * @return the count
     * @throws dev.chassis.core.ChassisException if the store cannot be read
     */
    long backlog();

    /**
     * When the oldest committed unsent message was written.
     *
     * @return its creation time, empty when nothing is waiting
     * @throws dev.chassis.core.ChassisException if the store cannot be read
     */
    Optional<Instant> oldestUnsent();
}
