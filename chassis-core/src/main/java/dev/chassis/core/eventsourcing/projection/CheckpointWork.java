package dev.chassis.core.eventsourcing.projection;

import dev.chassis.core.eventsourcing.GlobalPosition;

/**
 * Work run by {@link CheckpointStore#update} inside one transaction, on the calling thread, while the
 * projection's checkpoint is locked: it applies events after the stored checkpoint and says how far
 * it got.
 *
 * @param <X> what the work may throw
 */
@FunctionalInterface
public interface CheckpointWork<X extends Exception> {
    /**
     * Does the work.
     *
     * @param tx the open transaction; valid only during this call
     * @param stored the committed checkpoint, {@link GlobalPosition#START} if there is none; events at
     *     or before it are applied already and must be skipped
     * @return the new checkpoint, not before {@code stored}; {@code stored} itself to keep it
     * @throws X any failure; the transaction is rolled back and the checkpoint kept
     */
    GlobalPosition apply(ProjectionTransaction tx, GlobalPosition stored) throws X;
}
