package dev.chassis.core.eventsourcing;

import java.util.Comparator;

/**
 * An event's place in the store-wide order that {@link EventStore#readAll(GlobalPosition, int)}
 * follows. The PostgreSQL store orders by the appending transaction's id, then by the row's sequence
 * number: a reader never passes an event whose transaction has not ended yet, so an event that
 * commits late cannot fall behind a checkpoint (sequence numbers alone are taken at insert, not at
 * commit). The in-memory store uses its append counter for both parts. Compare positions only with
 * positions from the same store. Immutable.
 *
 * @param transaction the appending transaction's ordering number, not negative
 * @param sequence the event's sequence number within the store, not negative
 */
public record GlobalPosition(long transaction, long sequence) implements Comparable<GlobalPosition> {
    /** Before every event: read from here to get the whole store. */
    public static final GlobalPosition START = new GlobalPosition(0, 0);

    private static final Comparator<GlobalPosition> ORDER =
            Comparator.comparingLong(GlobalPosition::transaction).thenComparingLong(GlobalPosition::sequence);

    /** Checks the components. */
    public GlobalPosition {
        if (transaction < 0 || sequence < 0) {
            throw new IllegalArgumentException("a position is not negative, was " + transaction + "/" + sequence);
        }
    }

    @Override
    public int compareTo(GlobalPosition other) {
        return ORDER.compare(this, other);
    }

    /**
     * Whether this position comes after another.
     *
     * @param other the other position
     * @return true if strictly after
     */
    public boolean isAfter(GlobalPosition other) {
        return compareTo(other) > 0;
    }

    @Override
    public String toString() {
        return transaction + "/" + sequence;
    }
}
