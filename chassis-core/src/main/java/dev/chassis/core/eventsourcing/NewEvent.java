package dev.chassis.core.eventsourcing;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.UUID;

/**
 * An event to append: its id, its type name and schema version, its JSON data and string metadata
 * (e.g. correlation and causation ids). The id makes appends idempotent: appending the same ids again
 * after a failure whose outcome was unknown does not store them twice. Immutable.
 *
 * @param id the event's unique id, not blank
 * @param type the event type's stable name, e.g. {@code "order.placed"}, not blank
 * @param typeVersion the schema version of {@code data}, from 1; upcasters lift older versions
 * @param data the event as a JSON object
 * @param metadata string metadata, copied
 */
public record NewEvent(String id, String type, int typeVersion, String data, Map<String, String> metadata) {
    /** Checks and copies the components. */
    public NewEvent {
        requireText(id, "id");
        requireText(type, "type");
        requireNonNull(data, "data");
        if (typeVersion < 1) {
            throw new IllegalArgumentException("typeVersion starts at 1, was " + typeVersion + " for " + type);
        }
        metadata = Map.copyOf(requireNonNull(metadata, "metadata"));
    }

    /**
     * An event with a random id and no metadata.
     *
     * @param type the type name
     * @param typeVersion the schema version
     * @param data the JSON data
     * @return the event
     */
    public static NewEvent of(String type, int typeVersion, String data) {
        return new NewEvent(UUID.randomUUID().toString(), type, typeVersion, data, Map.of());
    }

    static void requireText(String value, String name) {
        if (requireNonNull(value, name).isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
    }
}
