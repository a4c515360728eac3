package dev.chassis.core.saga;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The persisted state of one saga instance: what a {@link SagaStore} keeps after every transition.
 * Immutable; the orchestrator makes a new one per transition with {@link #revision()} one higher.
 *
 * @param id the saga id, unique
 * @param type the definition's name, e.g. {@code "order"}
 * @param definitionVersion the version of the definition the saga started with; it finishes on it
 * @param state where the saga is
 * @param step the index of the step being executed (RUNNING) or compensated (COMPENSATING); for final
 *     states the last step touched
 * @param attempt the attempt of the current action or compensation, from 1
 * @param data the saga data as JSON
 * @param deadline when the orchestrator must look at the saga again without a reply (a step's timeout
 *     or the next retry), or {@code null} when none is due
 * @param revision how many times the instance was saved, from 1; stores compare it to refuse lost updates
 * @param history the transitions so far, oldest first
 * @param createdAt when the saga started
 * @param updatedAt when it was last saved
 * @param failure why the saga is compensating or failed, or {@code null}
 */
public record SagaInstance(String id, String type, int definitionVersion, SagaState state, int step, int attempt,
        String data, @Nullable Instant deadline, long revision, List<SagaTransition> history, Instant createdAt,
        Instant updatedAt, @Nullable String failure) {
    /** Checks and copies the components. */
    public SagaInstance {
        requireNonNull(id, "id");
        requireNonNull(type, "type");
        requireNonNull(state, "state");
        requireNonNull(data, "data");
        history = List.copyOf(requireNonNull(history, "history"));
        requireNonNull(createdAt, "createdAt");
        requireNonNull(updatedAt, "updatedAt");
        if (step < 0 || attempt < 0 || revision < 1 || definitionVersion < 1) {
            throw new IllegalArgumentException("step and attempt must be >= 0, revision and definitionVersion >= 1");
        }
    }
}
