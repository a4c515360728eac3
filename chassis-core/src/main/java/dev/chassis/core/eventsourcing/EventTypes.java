package dev.chassis.core.eventsourcing;

import static java.util.Objects.requireNonNull;

import dev.chassis.core.json.JsonCodec;
import dev.chassis.core.json.JsonException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The registry of event types: which Java class (usually a record) stands for which stable type
 * name, today's schema version of each type, and the {@linkplain Upcaster upcasters} that lift older
 * versions. It turns event objects into {@link NewEvent}s (JSON data, type name, version) and
 * {@link RecordedEvent}s back into objects of today's classes, so old events load without the store
 * being rewritten.
 *
 * <p>Type names are persisted: choose them once ({@code "order.placed"}), never derive them from
 * class names, and keep them when a class is renamed or moved. When a class changes in a way old
 * JSON no longer fits (a field renamed, split, or given another meaning), raise its version and add
 * an upcaster from the previous version. Adding an optional field needs neither: missing fields read
 * as {@code null} (or 0/false for primitives), unknown fields are ignored.
 *
 * <p>The registry is checked when it is built: every type's upcasters must form a contiguous chain
 * ending at today's version. Instances are immutable, thread-safe and intended to be shared.
 *
 * <pre>{@code
 * EventTypes types = EventTypes.builder()
 *         .register(OrderPlaced.class, "order.placed", 3)
 *         .upcaster("order.placed", 1, json -> { json.put("currency", "EUR"); return json; })
 *         .upcaster("order.placed", 2, json -> { json.put("customer", json.remove("buyer")); return json; })
 *         .build();
 * NewEvent event = types.encode(new OrderPlaced("ada", "EUR"));
 * Object back = types.decode(recordedEvent);   // an OrderPlaced, whichever version was stored
 * }</pre>
 */
public final class EventTypes {
    private final JsonCodec codec;
    private final Map<Class<?>, Registration> byClass;
    private final Map<String, Registration> byName;

    private EventTypes(Builder builder) {
        this.codec = builder.codec;
        Map<Class<?>, Registration> classes = new HashMap<>();
        Map<String, Registration> names = new HashMap<>();
        for (Registration r : builder.registrations.values()) {
            Map<Integer, Upcaster> chain = builder.upcasters.getOrDefault(r.name, new TreeMap<>());
            Registration complete = new Registration(r.type, r.name, r.version, Map.copyOf(chain));
            classes.put(r.type, complete);
            names.put(r.name, complete);
        }
        this.byClass = Map.copyOf(classes);
        this.byName = Map.copyOf(names);
    }

    /**
     * A builder for a registry using {@link JsonCodec#defaults()}.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Encodes an event with a new random id and no metadata.
     *
     * @param event an object of a registered class
     * @return the event to append, at today's schema version of its type
     * @throws EventTypesException of {@link EventTypesException.Problem#UNREGISTERED_CLASS} if the
     *     class is not registered
     * @throws dev.chassis.core.json.JsonException if the object has no JSON form
     */
    public NewEvent encode(Object event) {
        return encode(event, Map.of());
    }

    /**
     * Encodes an event with a new random id and the given metadata.
     *
     * @param event an object of a registered class
     * @param metadata string metadata, e.g. correlation and causation ids
     * @return the event to append, at today's schema version of its type
     * @throws EventTypesException of {@link EventTypesException.Problem#UNREGISTERED_CLASS} if the
     *     class is not registered
     * @throws dev.chassis.core.json.JsonException if the object has no JSON form
     */
    public NewEvent encode(Object event, Map<String, String> metadata) {
        requireNonNull(event, "event");
        requireNonNull(metadata, "metadata");
        Registration r = byClass.get(event.getClass());
        if (r == null) {
            throw new EventTypesException(EventTypesException.Problem.UNREGISTERED_CLASS, null,
                    "cannot encode a " + event.getClass().getName() + ": the class is not registered;"
                    + " add EventTypes.builder().register(" + event.getClass().getSimpleName()
                    + ".class, \"<type name>\", <version>)", null);
        }
        return new NewEvent(UUID.randomUUID().toString(), r.name, r.version, codec.writeString(event), metadata);
    }

    /**
     * Decodes a stored event into an object of today's class for its type, upcasting older data.
     *
     * @param event the stored event
     * @return an object of the class registered for {@code event.type()}
     * @throws EventTypesException if the type is unknown, its version is newer than the registered
     *     one or below the upcaster chain, an upcaster failed, or the data does not fit the class;
     *     {@link EventTypesException#problem()} says which
     */
    public Object decode(RecordedEvent event) {
        requireNonNull(event, "event");
        Registration r = byName.get(event.type());
        String where = "event " + event.stream() + "@" + event.version() + " (" + event.type() + " v"
                + event.typeVersion() + ", id " + event.id() + ")";
        if (r == null) {
            throw new EventTypesException(EventTypesException.Problem.UNKNOWN_TYPE, event.type(),
                    "cannot decode " + where + ": no class is registered for type '" + event.type()
                    + "'; register one, with upcasters if its schema changed since", null);
        }
        if (event.typeVersion() > r.version) {
            throw new EventTypesException(EventTypesException.Problem.NEWER_VERSION, r.name,
                    "cannot decode " + where + ": this release knows '" + r.name + "' up to version " + r.version
                    + "; the event was written by a newer release, deploy it here too", null);
        }
        if (event.typeVersion() == r.version) {
            return read(r, where, event.data());
        }
        Map<String, Object> json = parse(r, where, event.data());
        for (int v = event.typeVersion(); v < r.version; v++) {
            Upcaster step = r.upcasters.get(v);
            if (step == null) {
                throw new EventTypesException(EventTypesException.Problem.MISSING_UPCASTER, r.name,
                        "cannot decode " + where + ": no upcaster lifts '" + r.name + "' from version " + v
                        + " to " + (v + 1) + "; add .upcaster(\"" + r.name + "\", " + v + ", json -> ...)", null);
            }
            json = upcast(r, where, v, step, json);
        }
        try {
            return codec.convert(json, r.type);
        } catch (JsonException e) {
            throw mismatch(r, where, e);
        }
    }

    /**
     * The type name registered for a class.
     *
     * @param type an event class
     * @return its type name, or empty if the class is not registered
     */
    public Optional<String> typeName(Class<?> type) {
        Registration r = byClass.get(requireNonNull(type, "type"));
        return r == null ? Optional.empty() : Optional.of(r.name);
    }

    /**
     * Today's schema version of a type.
     *
     * @param type a type name
     * @return its registered version, or empty if the name is not registered
     */
    public Optional<Integer> currentVersion(String type) {
        Registration r = byName.get(requireNonNull(type, "type"));
        return r == null ? Optional.empty() : Optional.of(r.version);
    }

    /** The codec for event data, also used for snapshot state. */
    JsonCodec codec() {
        return codec;
    }

    private Object read(Registration r, String where, String data) {
        try {
            return codec.read(data, r.type);
        } catch (JsonException e) {
            throw mismatch(r, where, e);
        }
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> parse(Registration r, String where, String data) {
        try {
            return codec.read(data, LinkedHashMap.class);
        } catch (JsonException e) {
            throw new EventTypesException(EventTypesException.Problem.DATA_MISMATCH, r.name,
                    "cannot decode " + where + ": its data is not a JSON object: " + e.getMessage(), e);
        }
    }

    private static Map<String, Object> upcast(Registration r, String where, int from, Upcaster step,
            Map<String, Object> json) {
        Map<String, Object> lifted;
        try {
            lifted = step.upcast(json);
        } catch (RuntimeException e) {
            throw new EventTypesException(EventTypesException.Problem.UPCASTER_FAILED, r.name,
                    "cannot decode " + where + ": the upcaster of '" + r.name + "' from version " + from + " to "
                    + (from + 1) + " failed: " + e, e);
        }
        if (lifted == null) {
            throw new EventTypesException(EventTypesException.Problem.UPCASTER_FAILED, r.name,
                    "cannot decode " + where + ": the upcaster of '" + r.name + "' from version " + from + " to "
                    + (from + 1) + " returned null; return the (changed) JSON object", null);
        }
        return lifted;
    }

    private static EventTypesException mismatch(Registration r, String where, JsonException e) {
        return new EventTypesException(EventTypesException.Problem.DATA_MISMATCH, r.name,
                "cannot decode " + where + " into " + r.type.getName() + ": " + e.getMessage()
                + "; if the class changed incompatibly, raise the version of '" + r.name + "' and add an upcaster", e);
    }

    /** One registered type; the builder's copy has no upcasters yet. */
    private static final class Registration {
        final Class<?> type;
        final String name;
        final int version;
        final Map<Integer, Upcaster> upcasters;

        Registration(Class<?> type, String name, int version, Map<Integer, Upcaster> upcasters) {
            this.type = type;
            this.name = name;
            this.version = version;
            this.upcasters = upcasters;
        }
    }

    /**
     * Collects registrations and upcasters; {@link #build()} checks them together. Not thread-safe;
     * {@code build()} copies, so a builder may be reused.
     */
    public static final class Builder {
        private JsonCodec codec = JsonCodec.defaults();
        private final Map<String, Registration> registrations = new LinkedHashMap<>();
        private final Map<String, TreeMap<Integer, Upcaster>> upcasters = new LinkedHashMap<>();

        private Builder() {
        }

        /**
         * The JSON codec for event data.
         *
         * @param codec the codec; {@link JsonCodec#defaults()} by default
         * @return this builder
         */
        public Builder codec(JsonCodec codec) {
            this.codec = requireNonNull(codec, "codec");
            return this;
        }

        /**
         * Registers an event class at schema version 1.
         *
         * @param type the event class, usually a record
         * @param name its stable type name, e.g. {@code "order.placed"}
         * @return this builder
         * @throws IllegalArgumentException as {@link #register(Class, String, int)}
         */
        public Builder register(Class<?> type, String name) {
            return register(type, name, 1);
        }

        /**
         * Registers an event class with today's schema version of its type.
         *
         * @param type the event class, usually a record
         * @param name its stable type name, e.g. {@code "order.placed"}; not blank, at most 200 characters
         * @param version today's schema version, from 1; events are encoded at this version
         * @return this builder
         * @throws IllegalArgumentException if the name is blank or too long, the version below 1, or the
         *     class or the name is already registered
         */
        public Builder register(Class<?> type, String name, int version) {
            requireNonNull(type, "type");
            NewEvent.requireText(name, "name");
            if (name.length() > StreamNames.MAX_LENGTH) {
                throw new IllegalArgumentException("type name '" + name + "' is longer than " + StreamNames.MAX_LENGTH);
            }
            if (version < 1) {
                throw new IllegalArgumentException("version of '" + name + "' starts at 1, was " + version);
            }
            Registration old = registrations.get(name);
            if (old != null) {
                throw new IllegalArgumentException("type name '" + name + "' is already registered for "
                        + old.type.getName() + "; give " + type.getName() + " a name of its own");
            }
            for (Registration r : registrations.values()) {
                if (r.type.equals(type)) {
                    throw new IllegalArgumentException(type.getName() + " is already registered as '" + r.name
                            + "'; a class has one type name");
                }
            }
            registrations.put(name, new Registration(type, name, version, Map.of()));
            return this;
        }

        /**
         * Adds the upcaster that lifts a type's data from {@code fromVersion} to {@code fromVersion + 1}.
         * Upcasters of a type chain: events of version 1 of a type at version 3 pass the upcasters from
         * 1 and from 2.
         *
         * @param name the type name
         * @param fromVersion the version the upcaster reads, from 1
         * @param upcaster the step
         * @return this builder
         * @throws IllegalArgumentException if {@code fromVersion} is below 1 or this step is already added
         */
        public Builder upcaster(String name, int fromVersion, Upcaster upcaster) {
            NewEvent.requireText(name, "name");
            requireNonNull(upcaster, "upcaster");
            if (fromVersion < 1) {
                throw new IllegalArgumentException("upcaster of '" + name + "' must start from version 1 or later, was "
                        + fromVersion);
            }
            TreeMap<Integer, Upcaster> chain = upcasters.computeIfAbsent(name, n -> new TreeMap<>());
            if (chain.containsKey(fromVersion)) {
                throw new IllegalArgumentException("'" + name + "' already has an upcaster from version " + fromVersion);
            }
            chain.put(fromVersion, upcaster);
            return this;
        }

        /**
         * Checks the registrations and upcasters together and builds the registry.
         *
         * @return the registry
         * @throws IllegalArgumentException if an upcaster belongs to an unregistered type, starts at or
         *     above today's version of its type, or the chain of a type has a gap before today's
         *     version; the message names the type and the versions
         */
        public EventTypes build() {
            for (Map.Entry<String, TreeMap<Integer, Upcaster>> e : upcasters.entrySet()) {
                String name = e.getKey();
                Registration r = registrations.get(name);
                if (r == null) {
                    throw new IllegalArgumentException("upcasters are given for '" + name
                            + "', but no class is registered under that name; register(SomeEvent.class, \""
                            + name + "\", version) first");
                }
                TreeMap<Integer, Upcaster> chain = e.getValue();
                if (chain.lastKey() >= r.version) {
                    throw new IllegalArgumentException("'" + name + "' is at version " + r.version
                            + ", but an upcaster starts from version " + chain.lastKey()
                            + "; register the type at version " + (chain.lastKey() + 1) + " or drop that upcaster");
                }
                for (int v = chain.firstKey(); v < r.version; v++) {
                    if (!chain.containsKey(v)) {
                        throw new IllegalArgumentException("'" + name + "' has upcasters from versions "
                                + chain.keySet() + " up to version " + r.version + ", but none from version " + v
                                + " to " + (v + 1) + "; add .upcaster(\"" + name + "\", " + v + ", json -> ...)");
                    }
                }
            }
            return new EventTypes(this);
        }
    }
}
