package dev.chassis.core.eventsourcing;

import java.util.List;

/**
 * Append-only storage of event streams with optimistic concurrency and a store-wide order.
 *
 * <p>Guarantees every implementation keeps (checked by the testkit's {@code EventStoreCompatibilityKit}):
 * <ul>
 *   <li>Of concurrent appends with the same expected version, exactly one succeeds; the others throw
 *       {@link ConcurrencyException}. Versions in a stream are contiguous from 1.
 *   <li>An append is atomic: all its events are stored, or none.
 *   <li>Appending events whose ids are already stored, at the same place of the same stream (a retry
 *       after a failure with unknown outcome), stores nothing and returns the original result. Ids
 *       stored elsewhere make the append fail with an {@link IllegalArgumentException}.
 *   <li>{@link #readAll(GlobalPosition, int)} never skips an event: an event that becomes visible
 *       later always has a later position than everything returned before.
 * </ul>
 * Implementations are thread-safe.
 */
public interface EventStore {
    /**
     * Appends events to the end of a stream, creating it if needed.
     *
     * @param stream the stream's name, e.g. {@code "order-42"}; not blank, at most 200 characters
     * @param expected the version the writer expects the stream to be at
     * @param events the events, at least one
     * @return the versions the events took
     * @throws ConcurrencyException if the stream is not at the expected version
     * @throws IllegalArgumentException if the stream name or events are invalid, or an event id is
     *     already stored elsewhere
     * @throws dev.chassis.core.ChassisException if the store failed (retryable when transient; the
     *     outcome may then be unknown: retry with the same event ids)
     */
    AppendResult append(String stream, ExpectedVersion expected, List<NewEvent> events);

    /**
     * Reads a whole stream.
     *
     * @param stream the stream
     * @return its events in version order, empty if the stream does not exist
     */
    default List<RecordedEvent> read(String stream) {
        return read(stream, 1);
    }

    /**
     * Reads a stream from a version on.
     *
     * @param stream the stream
     * @param fromVersion the first version to return, from 1
     * @return the events with version &gt;= {@code fromVersion}, in version order
     */
    List<RecordedEvent> read(String stream, long fromVersion);

    /**
     * The current version of a stream.
     *
     * @param stream the stream
     * @return the version of its last event, 0 if it does not exist
     */
    long version(String stream);

    /**
     * Reads the store-wide order after a position: what projections follow. Returns only events that
     * are safe to pass: none that a still-running transaction could precede.
     *
     * @param after the position of the last event already read, {@link GlobalPosition#START} at first
     * @param limit at most this many, positive
     * @return the next events in position order, possibly empty
     */
    List<RecordedEvent> readAll(GlobalPosition after, int limit);
}
