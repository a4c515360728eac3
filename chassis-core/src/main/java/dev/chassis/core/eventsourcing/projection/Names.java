package dev.chassis.core.eventsourcing.projection;

import static java.util.Objects.requireNonNull;

import dev.chassis.core.eventsourcing.GlobalPosition;

/** The argument checks every checkpoint store applies, so they fail alike. */
final class Names {
    static final int MAX_LENGTH = 200;

    private Names() {
    }

    static String check(String projection) {
        if (requireNonNull(projection, "projection").isBlank()) {
            throw new IllegalArgumentException("projection name must not be blank");
        }
        if (projection.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("projection name is " + projection.length()
                    + " characters, at most " + MAX_LENGTH + " allowed: '" + projection.substring(0, 40) + "...'");
        }
        return projection;
    }

    static GlobalPosition checkForward(String projection, GlobalPosition stored, GlobalPosition next) {
        requireNonNull(next, () -> "the checkpoint work of '" + projection + "' returned null; return the stored position to keep it");
        if (stored.isAfter(next)) {
            throw new IllegalStateException("the checkpoint work of '" + projection + "' returned " + next
                    + ", before the stored " + stored + ": a checkpoint only moves back by reset()");
        }
        return next;
    }
}
