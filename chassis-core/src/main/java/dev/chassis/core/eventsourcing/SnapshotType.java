package dev.chassis.core.eventsourcing;

import static java.util.Objects.requireNonNull;

/**
 * What a {@link Snapshottable} aggregate's state is stored as: a stable type name, a schema version
 * and the Java class the JSON maps to. Raise the version whenever the class changes so that stored
 * snapshots no longer fit: snapshots of another name or version are ignored and the aggregate is
 * replayed from its first event (there are no upcasters for snapshots). Immutable.
 *
 * <pre>{@code
 * SnapshotType<OrderState> type = SnapshotType.of("order.state", 2, OrderState.class);
 * }</pre>
 *
 * @param name the stable type name, not blank
 * @param version the schema version, from 1
 * @param stateClass the class the state is read into
 * @param <S> the state type
 */
public record SnapshotType<S>(String name, int version, Class<S> stateClass) {
    /** Checks the components. */
    public SnapshotType {
        NewEvent.requireText(name, "name");
        requireNonNull(stateClass, "stateClass");
        if (version < 1) {
            throw new IllegalArgumentException("version of snapshot type '" + name + "' starts at 1, was " + version);
        }
    }

    /**
     * The type with the given name, version and class.
     *
     * @param name the stable type name, e.g. {@code "order.state"}
     * @param version the schema version, from 1
     * @param stateClass the class the state is read into, usually a record
     * @param <S> the state type
     * @return the type
     */
    public static <S> SnapshotType<S> of(String name, int version, Class<S> stateClass) {
        return new SnapshotType<>(name, version, stateClass);
    }

    /**
     * Whether a stored snapshot was written with this name and version.
     *
     * @param snapshot a stored snapshot
     * @return true if its state can be read into {@link #stateClass()}
     */
    public boolean matches(Snapshot snapshot) {
        return snapshot.type().equals(name) && snapshot.typeVersion() == version;
    }
}
