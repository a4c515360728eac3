package dev.chassis.core.saga;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * One entry of a saga's history: what happened, when, and the state afterwards. Immutable.
 *
 * @param at when it happened
 * @param state the saga's state afterwards
 * @param step the step it concerns (its name), or {@code null} for the saga as a whole
 * @param event what happened, e.g. {@code "step-succeeded"}, {@code "timed-out"}, {@code "cancelled"}
 * @param detail more detail (e.g. an error message), or {@code null}
 */
public record SagaTransition(Instant at, SagaState state, @Nullable String step, String event, @Nullable String detail) {
    /** Checks the components. */
    public SagaTransition {
        requireNonNull(at, "at");
        requireNonNull(state, "state");
        requireNonNull(event, "event");
    }
}
