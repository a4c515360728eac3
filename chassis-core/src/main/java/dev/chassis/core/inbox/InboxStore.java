package dev.chassis.core.inbox;

import java.time.Instant;

/**
 * Where an inbox records the messages it has handled: one record per {@code (consumer, messageId)},
 * written in a transaction that also carries the handler's effects.
 *
 * <p>The contract, checked by the testkit's {@code InboxStoreCompatibilityKit} for every
 * implementation:
 * <ul>
 *   <li>{@link InboxTransaction#record} returns {@code true} for a pair not recorded before and
 *       {@code false} for one already recorded (insert-if-absent), also when recorded earlier in the
 *       same transaction;</li>
 *   <li>a record becomes permanent only when {@link #inTransaction} commits; when the work throws,
 *       the record is rolled back and the same pair is new again;</li>
 *   <li>while one open transaction holds a record, another transaction recording the same pair
 *       waits for it: after a commit it gets {@code false}, after a rollback {@code true}. So two
 *       concurrent deliveries of one message resolve to exactly one effect;</li>
 *   <li>{@link #purgeOlderThan} deletes committed records received before a cutoff, at most a batch
 *       at a time; a purged pair is new again.</li>
 * </ul>
 *
 * <p>Implementations are thread-safe and intended to be shared by all consumers of a service.
 *
 * <pre>{@code
 * boolean handled = store.inTransaction(tx -> {
 *     if (!tx.record("billing.invoice", envelope.id(), clock.instant())) {
 *         return false; // seen before: no second effect
 *     }
 *     applyEffect(tx);
 *     return true;
 * });
 * }</pre>
 */
public interface InboxStore {
    /**
     * Runs work in one transaction of this store: commits when the work returns, rolls back (records
     * included) when it throws, and rethrows what it threw unchanged.
     *
     * @param work the work; its transaction is valid only during the call
     * @param <T> the result type
     * @param <X> what the work may throw
     * @return what the work returned, after the commit
     * @throws X what the work threw, after the rollback
     * @throws dev.chassis.core.jdbc.DatabaseException if a database store failed transiently (retry the
     *     whole transaction)
     */
    <T, X extends Exception> T inTransaction(InboxWork<T, X> work) throws X;

    /**
     * Deletes up to {@code batchSize} committed records received before {@code cutoff}, in a
     * transaction of its own. Call again while it returns {@code batchSize} to delete them all.
     *
     * @param cutoff records received strictly before this instant are deleted
     * @param batchSize the most records deleted by this call, at least 1
     * @return how many records were deleted
     * @throws IllegalArgumentException if {@code batchSize} is below 1
     */
    int purgeOlderThan(Instant cutoff, int batchSize);

    /** @return how many committed records the store holds, over all consumers */
    long count();
}
