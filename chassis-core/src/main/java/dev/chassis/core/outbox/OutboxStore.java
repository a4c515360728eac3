package dev.chassis.core.outbox;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Where outbox messages wait until a relay has published them: the part of an outbox a relay needs.
 * Writing is not part of this interface, because it belongs to the writer's own transaction (see
 * {@code Outbox} and {@code InMemoryOutbox} in {@code chassis-messaging}).
 *
 * <p>Implementations must never hide a committed unsent message from {@link #unsent(int)}, even when
 * messages commit in another order than their ids were assigned: a message written by a transaction
 * that commits late appears in a later call, at its id's place. Every implementation runs the
 * testkit's {@code OutboxStoreCompatibilityKit}. Implementations are thread-safe.
 *
 * <p>A message the bus keeps refusing (a <em>poison</em> message) is counted with
 * {@link #markFailed(long, String, Instant, int)}; once its refusals reach the relay's limit it is
 * <em>parked</em>: kept, reported by {@link #parked(int)}, but no longer returned by
 * {@link #unsent(int)} nor counted in {@link #backlog()}, so the later messages of its ordering key
 * go on. {@link #requeueParked()} puts parked messages back. The default methods record nothing
 * and park nothing (a store without them retries a refused message forever); the testkit's kit
 * expects a store to implement them.
 */
public interface OutboxStore {
    /**
     * The oldest committed unsent messages that are not parked, in ascending id order.
     *
     * @param limit at most this many, positive
     * @return the records, possibly empty
     * @throws dev.chassis.core.ChassisException if the store cannot be read (retryable when transient)
     */
    List<OutboxRecord> unsent(int limit);

    /**
     * The oldest committed unsent messages that are not parked, leaving out the given ones, in
     * ascending id order: for a relay with messages in flight, which need not be read and decoded
     * again. The default reads {@code limit + excluding.size()} messages and drops the excluded ones;
     * a database store filters them in its query instead.
     *
     * @param limit at most this many, positive
     * @param excluding ids of messages to leave out
     * @return the records, possibly empty
     * @throws dev.chassis.core.ChassisException if the store cannot be read (retryable when transient)
     */
    default List<OutboxRecord> unsent(int limit, Set<Long> excluding) {
        if (excluding.isEmpty()) {
            return unsent(limit);
        }
        List<OutboxRecord> records = new ArrayList<>(limit);
        for (OutboxRecord r : unsent(limit + excluding.size())) {
            if (records.size() == limit) {
                break;
            }
            if (!excluding.contains(r.id())) {
                records.add(r);
            }
        }
        return records;
    }

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
     * How many committed messages are not yet sent, parked ones not included.
     *
     * @return the count
     * @throws dev.chassis.core.ChassisException if the store cannot be read
     */
    long backlog();

    /**
     * When the oldest committed unsent message that is not parked was written.
     *
     * @return its creation time, empty when nothing is waiting
     * @throws dev.chassis.core.ChassisException if the store cannot be read
     */
    Optional<Instant> oldestUnsent();

    /**
     * Counts one refused publish of an unsent message and remembers the error; when the count
     * reaches {@code maxAttempts} the message is parked at {@code failedAt}. Only refusals of this
     * very message are counted (unroutable, nacked, invalid), never transient failures such as a
     * broker outage. A sent, parked or unknown message is left alone.
     *
     * @param id the record's id
     * @param error what the bus said, stored (possibly shortened) for the operator
     * @param failedAt when the publish was refused
     * @param maxAttempts the refusals after which the message is parked, positive
     * @return the message's refusals so far, including this one; 0 when the message was not counted
     *     (sent, parked, unknown, or a store that does not count)
     * @throws dev.chassis.core.ChassisException if the store cannot be written
     */
    default int markFailed(long id, String error, Instant failedAt, int maxAttempts) {
        return 0;
    }

    /**
     * The parked messages, oldest id first.
     *
     * @param limit at most this many, positive
     * @return the parked messages, possibly empty
     * @throws dev.chassis.core.ChassisException if the store cannot be read
     */
    default List<ParkedMessage> parked(int limit) {
        if (limit <= 0) {
            throw new IllegalArgumentException("limit must be positive, was " + limit);
        }
        return List.of();
    }

    /**
     * How many messages are parked.
     *
     * @return the count
     * @throws dev.chassis.core.ChassisException if the store cannot be read
     */
    default long parkedCount() {
        return 0;
    }

    /**
     * Puts every parked message back among the unsent ones with its refusal count reset, so a relay
     * publishes it again at its id's place (after, say, a queue was bound to its topic).
     *
     * @return how many messages were put back
     * @throws dev.chassis.core.ChassisException if the store cannot be written
     */
    default int requeueParked() {
        return 0;
    }
}
