package dev.chassis.core.eventsourcing;

import static java.util.Objects.requireNonNull;

/**
 * An aggregate's state after a version of its stream, kept so that loading replays only the events
 * after it. A snapshot is a cache: it can always be thrown away and rebuilt from the events.
 * Immutable.
 *
 * @param stream the stream the state belongs to
 * @param version the version of the last event the state includes, from 1
 * @param type the state's stable type name, e.g. {@code "order.state"}
 * @param typeVersion the schema version of {@code state}, from 1
 * @param state the state as a JSON object
 */
public record Snapshot(String stream, long version, String type, int typeVersion, String state) {
    /** Checks the components. */
    public Snapshot {
        NewEvent.requireText(stream, "stream");
        NewEvent.requireText(type, "type");
        requireNonNull(state, "state");
        if (version < 1) {
            throw new IllegalArgumentException("a snapshot follows at least one event, version was " + version);
        }
        if (typeVersion < 1) {
            throw new IllegalArgumentException("typeVersion starts at 1, was " + typeVersion + " for " + type);
        }
    }
}
