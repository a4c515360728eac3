package dev.chassis.messaging.inbox;

import static java.util.Objects.requireNonNull;

/** Argument checks shared by the stores. */
final class Checks {
    private Checks() {
    }

    static String notBlank(String value, String name) {
        requireNonNull(value, name);
        if (value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
        return value;
    }

    static int batchSize(int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be >= 1, was " + batchSize);
        }
        return batchSize;
    }
}
