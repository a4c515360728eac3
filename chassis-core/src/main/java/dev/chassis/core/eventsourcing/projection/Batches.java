package dev.chassis.core.eventsourcing.projection;

import dev.chassis.core.eventsourcing.EventStore;
import dev.chassis.core.eventsourcing.GlobalPosition;
import dev.chassis.core.eventsourcing.RecordedEvent;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * How a {@link ProjectorRunner} applies one batch: read after the checkpoint, apply inside a
 * {@link CheckpointStore#update} transaction skipping what the locked checkpoint says is applied, and
 * after a failure go one event per transaction until past the failed batch. Confined to the runner's
 * thread (or the caller of a rebuild before the runner started).
 */
final class Batches {
    /** What one batch did. */
    record Result(GlobalPosition reached, int applied, @Nullable RecordedEvent last, boolean more) {}

    private final Projection projection;
    private final String name;
    private final EventStore events;
    private final CheckpointStore checkpoints;
    private final int batchSize;
    private @Nullable RecordedEvent applying;
    /** After a failure, events up to this position go one per transaction; null when not narrowed. */
    private @Nullable GlobalPosition narrowUntil;
    /** The batch being applied, until it committed. */
    private List<RecordedEvent> pending = List.of();

    Batches(Projection projection, String name, EventStore events, CheckpointStore checkpoints, int batchSize) {
        this.projection = projection;
        this.name = name;
        this.events = events;
        this.checkpoints = checkpoints;
        this.batchSize = batchSize;
    }

    /** Applies the events after {@code from}, at most a batch, and commits the checkpoint with them. */
    Result next(GlobalPosition from) throws Exception {
        applying = null;
        if (narrowUntil != null && !narrowUntil.isAfter(from)) {
            narrowUntil = null;
        }
        int size = narrowUntil != null ? 1 : batchSize;
        List<RecordedEvent> batch = events.readAll(from, size);
        pending = batch;
        if (batch.isEmpty()) {
            return new Result(from, 0, null, false);
        }
        int[] count = new int[1];
        RecordedEvent[] last = new RecordedEvent[1];
        GlobalPosition reached = checkpoints.update(name, (tx, stored) -> {
            if (from.isAfter(stored)) {
                return stored; // the checkpoint went back (a rebuild elsewhere): read again from it
            }
            GlobalPosition next = stored;
            for (RecordedEvent event : batch) {
                if (!event.position().isAfter(stored)) {
                    continue; // applied already, by another instance
                }
                if (projection.handles(event.type())) {
                    applying = event;
                    projection.apply(tx, event);
                    count[0]++;
                }
                next = event.position();
                last[0] = event;
            }
            applying = null;
            return next;
        });
        pending = List.of();
        // a full batch, or a checkpoint another instance moved: read again at once
        boolean more = batch.size() == size || !reached.equals(batch.get(batch.size() - 1).position());
        return new Result(reached, count[0], last[0], more);
    }

    /**
     * After {@link #next} threw: retry one event per transaction until past the failed batch, so the
     * events before a failing one commit.
     *
     * @return the event the projection threw on, null if something else failed
     */
    @Nullable RecordedEvent failed() {
        if (!pending.isEmpty()) {
            narrowUntil = pending.get(pending.size() - 1).position();
            pending = List.of();
        }
        return applying;
    }

    /** After a rebuild: start over with full batches. */
    void reset() {
        narrowUntil = null;
        pending = List.of();
    }
}
