package dev.chassis.core.saga;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What an operator or a caller sees of one saga: its state, the step it is at (by name), the
 * attempt, when it is due next, why it is compensating or failed, and its history with times.
 * Immutable; served as JSON on {@code /chassis/sagas/{id}}.
 *
 * @param id the saga id
 * @param type the saga type
 * @param definitionVersion the definition version it runs on
 * @param state its state
 * @param step the name of the step it is at (or finished at), or {@code null} if its definition is not registered
 * @param attempt the attempt of the current action or compensation
 * @param deadline when it times out or retries next, or {@code null}
 * @param failure why it is compensating or failed, or {@code null}
 * @param data the saga data as JSON
 * @param history the transitions, oldest first
 * @param createdAt when it started
 * @param updatedAt when it last changed
 * @param revision how many times it was saved
 */
public record SagaStatus(String id, String type, int definitionVersion, SagaState state, @Nullable String step,
        int attempt, @Nullable Instant deadline, @Nullable String failure, String data, List<SagaTransition> history,
        Instant createdAt, Instant updatedAt, long revision) {
    /** Checks and copies the components. */
    public SagaStatus {
        requireNonNull(id, "id");
        requireNonNull(type, "type");
        requireNonNull(state, "state");
        requireNonNull(data, "data");
        history = List.copyOf(requireNonNull(history, "history"));
        requireNonNull(createdAt, "createdAt");
        requireNonNull(updatedAt, "updatedAt");
    }

    /**
     * The status of an instance.
     *
     * @param instance the stored instance
     * @param definition its definition, or {@code null} if not registered (the step name is then unknown)
     * @return the status
     */
    public static SagaStatus of(SagaInstance instance, @Nullable SagaDefinition<?> definition) {
        requireNonNull(instance, "instance");
        String step = definition == null || instance.step() >= definition.steps().size()
                ? null : definition.steps().get(instance.step()).name();
        return new SagaStatus(instance.id(), instance.type(), instance.definitionVersion(), instance.state(), step,
                instance.attempt(), instance.deadline(), instance.failure(), instance.data(), instance.history(),
                instance.createdAt(), instance.updatedAt(), instance.revision());
    }
}
