package dev.chassis.core.eventsourcing.projection;

import dev.chassis.core.eventsourcing.RecordedEvent;

/**
 * A read model built from the events of an {@link dev.chassis.core.eventsourcing.EventStore}: what
 * a service implements and hands to a {@link ProjectorRunner}. The runner calls it from its own
 * thread, one call at a time, in the store-wide order.
 *
 * <p>{@link #apply} runs inside a {@link CheckpointStore} transaction that also stores the new
 * checkpoint: with {@link JdbcCheckpointStore}, write the read model through
 * {@link ProjectionTransaction#connection()} and it commits or rolls back together with the
 * checkpoint, so an event is applied exactly once even across crashes and several instances. Effects
 * kept elsewhere (memory, another system) are not rolled back when a batch fails: make them
 * idempotent.
 *
 * <pre>{@code
 * final class OrderTotals implements Projection {
 *     public String name() {
 *         return "order-totals";
 *     }
 *
 *     public void apply(ProjectionTransaction tx, RecordedEvent event) throws SQLException {
 *         try (var ps = tx.connection().prepareStatement("insert into order_totals ...")) {
 *             ps.executeUpdate();
 *         }
 *     }
 * }
 * }</pre>
 *
 * <p>Implementations are called from one thread at a time per runner; a projection shared by several
 * runners must be thread-safe.
 */
public interface Projection {
    /**
     * The projection's stable name: the key of its checkpoint. Never derive it from a class name;
     * renaming it starts the projection over from the first event.
     *
     * @return a non-blank name of at most 200 characters, e.g. {@code "order-totals"}
     */
    String name();

    /**
     * Updates the read model from one event. Throwing rolls the whole batch back (read model and
     * checkpoint, with a database store); the runner retries it later, one event at a time, and never
     * skips the event.
     *
     * @param tx the open transaction, valid only during the call
     * @param event the next event this projection {@linkplain #handles(String) handles}
     * @throws Exception any failure; the event is retried after a backoff
     */
    void apply(ProjectionTransaction tx, RecordedEvent event) throws Exception;

    /**
     * Whether this projection wants events of a type. Events it does not want still move its
     * checkpoint on. Default: every type.
     *
     * @param eventType the event's type name, e.g. {@code "order.placed"}
     * @return true to have {@link #apply} called
     */
    default boolean handles(String eventType) {
        return true;
    }

    /**
     * Clears the read model before a {@linkplain ProjectorRunner#rebuild() rebuild}, in the same
     * transaction that sets the checkpoint back to the start.
     *
     * <p>The default throws {@link UnsupportedOperationException}: a rebuild that left the old read
     * model in place would apply every event a second time, so a projection that can be rebuilt says
     * how to clear itself.
     *
     * @param tx the open transaction, valid only during the call
     * @throws Exception any failure; the rebuild is rolled back and the checkpoint kept
     */
    default void reset(ProjectionTransaction tx) throws Exception {
        throw new UnsupportedOperationException("projection '" + name()
                + "' cannot be rebuilt: override Projection.reset(tx) to clear its read model");
    }
}
