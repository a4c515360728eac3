package dev.chassis.core.saga;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** The next state of a saga while a transition is worked out; becomes a {@link SagaInstance}. Not thread-safe. */
final class SagaDraft {
    final String id;
    final String type;
    final int version;
    final long revision;
    final Instant createdAt;
    final Instant now;
    SagaState state;
    int step;
    int attempt;
    String data;
    @Nullable Instant deadline;
    @Nullable String failure;
    final List<SagaTransition> history;
    final List<SagaTransition> added = new ArrayList<>();
    final List<SagaMessage> outgoing = new ArrayList<>();

    private SagaDraft(String id, String type, int version, long revision, Instant createdAt, Instant now, SagaState state,
            int step, int attempt, String data, @Nullable Instant deadline, @Nullable String failure,
            List<SagaTransition> history) {
        this.id = id;
        this.type = type;
        this.version = version;
        this.revision = revision;
        this.createdAt = createdAt;
        this.now = now;
        this.state = state;
        this.step = step;
        this.attempt = attempt;
        this.data = data;
        this.deadline = deadline;
        this.failure = failure;
        this.history = new ArrayList<>(history);
    }

    static SagaDraft of(SagaInstance i, Instant now) {
        return new SagaDraft(i.id(), i.type(), i.definitionVersion(), i.revision() + 1, i.createdAt(), now, i.state(),
                i.step(), i.attempt(), i.data(), i.deadline(), i.failure(), i.history());
    }

    static SagaDraft fresh(String id, String type, int version, String data, Instant now) {
        return new SagaDraft(id, type, version, 1, now, now, SagaState.RUNNING, 0, 1, data, null, null, List.of());
    }

    void record(@Nullable String stepName, String event, @Nullable String detail) {
        SagaTransition t = new SagaTransition(now, state, stepName, event, detail);
        history.add(t);
        added.add(t);
    }

    SagaInstance build() {
        return new SagaInstance(id, type, version, state, step, attempt, data, deadline, revision, history, createdAt,
                now, failure);
    }
}
