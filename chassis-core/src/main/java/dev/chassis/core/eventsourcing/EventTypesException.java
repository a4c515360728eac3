package dev.chassis.core.eventsourcing;

import dev.chassis.core.NonRetryableException;
import org.jspecify.annotations.Nullable;

/**
 * An event could not be encoded or decoded by {@link EventTypes}: its class or type name is not
 * registered, it was written by a newer release, the upcaster chain does not reach back to its
 * version, an upcaster failed, or its data does not fit today's class. The same event fails the
 * same way on every attempt; the message names the event, the type and the versions, and says what
 * to fix. Instances are immutable once thrown.
 */
public final class EventTypesException extends NonRetryableException {
    private static final long serialVersionUID = 1L;

    /** What went wrong. */
    public enum Problem {
        /** Encoding an object whose class is not registered. */
        UNREGISTERED_CLASS,
        /** Decoding an event whose type name is not registered. */
        UNKNOWN_TYPE,
        /** Decoding an event whose schema version is newer than the registered one. */
        NEWER_VERSION,
        /** Decoding an event whose schema version no chain of upcasters lifts to today's. */
        MISSING_UPCASTER,
        /** An upcaster threw or returned nothing. */
        UPCASTER_FAILED,
        /** The (upcast) data is not JSON of the registered class's shape. */
        DATA_MISMATCH
    }

    private final Problem problem;
    private final @Nullable String type;

    /**
     * Creates the exception.
     *
     * @param problem what went wrong
     * @param type the event type name, or {@code null} when only the class is known
     * @param message what is wrong and what to fix
     * @param cause the underlying failure, or {@code null}
     */
    public EventTypesException(Problem problem, @Nullable String type, String message, @Nullable Throwable cause) {
        super(message, cause);
        this.problem = problem;
        this.type = type;
    }

    /** @return what went wrong */
    public Problem problem() {
        return problem;
    }

    /** @return the event type name, or {@code null} when only the class is known */
    public @Nullable String type() {
        return type;
    }
}
