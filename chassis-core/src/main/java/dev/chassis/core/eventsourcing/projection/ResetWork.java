package dev.chassis.core.eventsourcing.projection;

/**
 * Work run by {@link CheckpointStore#reset} inside the transaction that sets a checkpoint back to the
 * start, on the calling thread: it clears the read model.
 *
 * @param <X> what the work may throw
 */
@FunctionalInterface
public interface ResetWork<X extends Exception> {
    /**
     * Does the work.
     *
     * @param tx the open transaction; valid only during this call
     * @throws X any failure; the transaction is rolled back and the checkpoint kept
     */
    void apply(ProjectionTransaction tx) throws X;
}
