package dev.chassis.core.eventsourcing.projection;

import dev.chassis.core.eventsourcing.GlobalPosition;
import java.util.Optional;

/**
 * Where projections keep their checkpoints: the position of the last event each one applied, written
 * in the same transaction as the read model.
 *
 * <p>The contract, checked by the testkit's {@code CheckpointStoreCompatibilityKit} for every
 * implementation:
 * <ul>
 *   <li>a projection without a committed checkpoint is at {@link GlobalPosition#START};</li>
 *   <li>{@link #update} locks the projection's checkpoint, hands the work the committed one and
 *       stores what the work returns, in one transaction; when the work throws nothing is stored;</li>
 *   <li>updates of one projection are serialized: an update waits while another holds the lock, then
 *       sees the checkpoint that one committed. So two instances running the same projection never
 *       both apply an event, as long as the work skips events at or before the checkpoint it is
 *       handed;</li>
 *   <li>a checkpoint never moves back, except by {@link #reset};</li>
 *   <li>projections are independent of each other.</li>
 * </ul>
 *
 * <p>Implementations are thread-safe and intended to be shared by all projections of a service.
 *
 * <pre>{@code
 * GlobalPosition reached = store.update("order-totals", (tx, stored) -> {
 *     GlobalPosition last = stored;
 *     for (RecordedEvent e : batch) {
 *         if (e.position().isAfter(stored)) {
 *             projection.apply(tx, e);
 *             last = e.position();
 *         }
 *     }
 *     return last;
 * });
 * }</pre>
 */
public interface CheckpointStore {
    /**
     * The committed checkpoint of a projection.
     *
     * @param projection the projection's name
     * @return the checkpoint, empty if none was ever committed
     * @throws IllegalArgumentException if the name is blank or longer than 200 characters
     * @throws dev.chassis.core.jdbc.DatabaseException if a database store failed transiently
     */
    Optional<GlobalPosition> load(String projection);

    /**
     * The committed checkpoint, or the start.
     *
     * @param projection the projection's name
     * @return the checkpoint, {@link GlobalPosition#START} if none was committed
     */
    default GlobalPosition position(String projection) {
        return load(projection).orElse(GlobalPosition.START);
    }

    /**
     * Runs work in one transaction while holding the projection's checkpoint, and stores the position
     * the work returns in the same transaction. Waits while another update or reset of the same
     * projection holds it.
     *
     * @param projection the projection's name
     * @param work the work; its transaction is valid only during the call
     * @param <X> what the work may throw
     * @return the checkpoint now committed
     * @throws X what the work threw, after the rollback
     * @throws IllegalStateException if the work returned a position before the stored one (nothing is
     *     stored)
     * @throws IllegalArgumentException if the name is blank or longer than 200 characters
     * @throws dev.chassis.core.jdbc.DatabaseException if a database store failed transiently (retry)
     */
    <X extends Exception> GlobalPosition update(String projection, CheckpointWork<X> work) throws X;

    /**
     * Sets the projection's checkpoint back to {@link GlobalPosition#START} and runs work that clears
     * its read model, in one transaction, holding the checkpoint like {@link #update}.
     *
     * @param projection the projection's name
     * @param work clears the read model; its transaction is valid only during the call
     * @param <X> what the work may throw
     * @throws X what the work threw, after the rollback (the checkpoint is kept)
     * @throws IllegalArgumentException if the name is blank or longer than 200 characters
     * @throws dev.chassis.core.jdbc.DatabaseException if a database store failed transiently (retry)
     */
    <X extends Exception> void reset(String projection, ResetWork<X> work) throws X;
}
