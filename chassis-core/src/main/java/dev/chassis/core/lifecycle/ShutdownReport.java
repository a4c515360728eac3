package dev.chassis.core.lifecycle;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What the shutdown sequence did: every hook and component stop with its outcome, in the order they
 * ran. Immutable.
 *
 * @param steps the steps in order
 * @param took how long the whole sequence took
 */
public record ShutdownReport(List<Step> steps, Duration took) {

    /** How one step ended. */
    public enum Outcome {
        /** Returned normally. */
        COMPLETED,
        /** Threw; the exception was logged. */
        FAILED,
        /** Did not finish in the time it had and was abandoned (and interrupted). */
        TIMED_OUT,
        /** Not run: the overall deadline had already passed. */
        SKIPPED
    }

    /**
     * One hook or component stop.
     *
     * @param phase the phase it ran in
     * @param name the hook's or component's name
     * @param outcome how it ended
     */
    public record Step(ShutdownPhase phase, String name, Outcome outcome) {
        /** Checks the components. */
        public Step {
            requireNonNull(phase, "phase");
            requireNonNull(name, "name");
            requireNonNull(outcome, "outcome");
        }
    }

    /** Checks and copies the components. */
    public ShutdownReport {
        steps = List.copyOf(requireNonNull(steps, "steps"));
        requireNonNull(took, "took");
    }

    /**
     * The outcome of the step with this name (the first one, should a hook and a component share it).
     *
     * @param name a hook's or component's name
     * @return its outcome, or empty if no step had that name
     */
    public Optional<Outcome> outcome(String name) {
        return steps.stream().filter(step -> step.name().equals(name)).map(Step::outcome).findFirst();
    }

    /**
     * Tells whether every step completed.
     *
     * @return {@code true} if no step failed, timed out or was skipped
     */
    public boolean isClean() {
        return steps.stream().allMatch(step -> step.outcome() == Outcome.COMPLETED);
    }
}
