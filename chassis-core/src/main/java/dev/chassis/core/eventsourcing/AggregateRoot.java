package dev.chassis.core.eventsourcing;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;

/**
 * The base class of event-sourced aggregates: a consistency boundary whose state is the result of
 * its events. A command method checks its rules against the current state and calls
 * {@link #apply(Object)} with the event that records the decision; {@link #when(Object)} changes the
 * state for that event. The same {@code when} rebuilds the state when a {@link Repository} loads the
 * aggregate by replaying its stream, so live and replayed state cannot differ.
 *
 * <p>Rules go into command methods, never into {@code when}: an event is a fact that has happened,
 * and replaying it must not fail. {@code when} is a chain of {@code instanceof} checks over the
 * aggregate's event classes (a {@code switch} on the type once the language allows it).
 *
 * <p>Instances are not thread-safe: load, run one command, save, and drop the instance.
 *
 * <pre>{@code
 * final class Account extends AggregateRoot {
 *     private long balance;
 *
 *     Account(String id) {
 *         super(id);
 *     }
 *
 *     void deposit(long amount) {
 *         if (amount <= 0) {
 *             throw new IllegalArgumentException("deposit a positive amount");
 *         }
 *         apply(new Deposited(amount));
 *     }
 *
 *     @Override
 *     protected void when(Object event) {
 *         if (event instanceof Deposited d) {
 *             balance += d.amount();
 *         } else {
 *             throw new IllegalArgumentException("unknown event " + event);
 *         }
 *     }
 * }
 * }</pre>
 */
public abstract class AggregateRoot {
    private final String id;
    private long version;
    private final List<Object> uncommitted = new ArrayList<>();

    /**
     * Creates a new aggregate at version 0, or the blank instance a repository replays into.
     *
     * @param id the aggregate's id, not blank; the repository names its stream after it
     */
    protected AggregateRoot(String id) {
        NewEvent.requireText(id, "id");
        this.id = id;
    }

    /**
     * The aggregate's id.
     *
     * @return the id given to the constructor
     */
    public final String id() {
        return id;
    }

    /**
     * The version of the last applied event: the stream version it has, or will have once saved.
     *
     * @return 0 for a new aggregate without events
     */
    public final long version() {
        return version;
    }

    /**
     * The events applied since the aggregate was loaded or last saved, in order.
     *
     * @return an unmodifiable copy
     */
    public final List<Object> uncommittedEvents() {
        return List.copyOf(uncommitted);
    }

    /**
     * Records a new event: changes the state through {@link #when(Object)}, then keeps the event for
     * the next save. Call it from command methods once the command's rules hold.
     *
     * @param event an object of a class registered in the repository's {@link EventTypes}
     * @throws RuntimeException what {@code when} threw; the event is then not recorded
     */
    protected final void apply(Object event) {
        requireNonNull(event, "event");
        when(event);
        uncommitted.add(event);
        version++;
    }

    /**
     * Changes the state for one event, new or replayed. Must not check rules or fail for events the
     * aggregate once applied, and must not have effects outside the aggregate.
     *
     * @param event the event
     */
    protected abstract void when(Object event);

    /** Replays a stored event; the repository calls it in version order. */
    final void replay(Object event, long eventVersion) {
        if (!uncommitted.isEmpty()) {
            throw new IllegalStateException("cannot replay into " + id + ": it has uncommitted events");
        }
        if (eventVersion != version + 1) {
            throw new IllegalStateException("cannot replay version " + eventVersion + " into " + id + " at version "
                    + version + ": the stream has a gap or is out of order");
        }
        when(event);
        version = eventVersion;
    }

    /** Sets the version after a snapshot was restored. */
    final void restoredAt(long snapshotVersion) {
        version = snapshotVersion;
    }

    /** The version the stream had when the aggregate was loaded or last saved. */
    final long committedVersion() {
        return version - uncommitted.size();
    }

    /** Forgets the uncommitted events after they were appended. */
    final void markCommitted() {
        uncommitted.clear();
    }
}
