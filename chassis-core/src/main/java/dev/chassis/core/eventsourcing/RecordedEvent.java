package dev.chassis.core.eventsourcing;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Map;

/**
 * An event as the store keeps it. Immutable.
 *
 * @param stream the stream it belongs to
 * @param version its version in the stream, from 1
 * @param position its place in the store-wide order
 * @param id its unique id
 * @param type its type name
 * @param typeVersion its schema version, as stored (upcasting happens when events are decoded)
 * @param data its JSON data
 * @param metadata its metadata
 * @param recordedAt when the store appended it
 */
public record RecordedEvent(String stream, long version, GlobalPosition position, String id, String type,
        int typeVersion, String data, Map<String, String> metadata, Instant recordedAt) {
    /** Checks and copies the components. */
    public RecordedEvent {
        requireNonNull(stream, "stream");
        requireNonNull(position, "position");
        requireNonNull(id, "id");
        requireNonNull(type, "type");
        requireNonNull(data, "data");
        metadata = Map.copyOf(requireNonNull(metadata, "metadata"));
        requireNonNull(recordedAt, "recordedAt");
    }
}
