package dev.chassis.core.saga;

import dev.chassis.core.envelope.Envelope;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * The saga state machine: works out a saga's next state (and the commands it sends) from its
 * current one and what happened. Pure apart from calling the definition's command functions; the
 * orchestrator runs calls, saves and locks. Thread-safe (stateless apart from its configuration).
 */
final class SagaEngine<S> {
    private final SagaDefinition<S> definition;
    private final URI source;
    private final Clock clock;

    SagaEngine(SagaDefinition<S> definition, URI source, Clock clock) {
        this.definition = definition;
        this.source = source;
        this.clock = clock;
    }

    SagaDefinition<S> definition() {
        return definition;
    }

    SagaStep<S> step(int index) {
        return definition.steps().get(index);
    }

    /** The action or compensation the saga is at, for an unfinished saga. */
    SagaAction<S> current(SagaState state, int step) {
        SagaStep<S> s = step(step);
        return state == SagaState.RUNNING ? s.action() : s.compensation().orElseThrow();
    }

    static String phase(SagaState state) {
        return state == SagaState.RUNNING ? SagaEnvelopes.ACTION : SagaEnvelopes.COMPENSATION;
    }

    String key(SagaDraft d) {
        return SagaEnvelopes.idempotencyKey(d.id, step(d.step).name(), phase(d.state));
    }

    /** Starts (or restarts) the action or compensation of a step: a fresh deadline and, for a command, the message. */
    void enter(SagaDraft d, SagaState state, int stepIndex, int attempt) {
        d.state = state;
        d.step = stepIndex;
        d.attempt = attempt;
        SagaStep<S> s = step(stepIndex);
        d.deadline = d.now.plus(s.timeout());
        d.record(s.name(), state == SagaState.RUNNING ? SagaEvents.STEP_STARTED : SagaEvents.COMPENSATION_STARTED,
                attempt > 1 ? "attempt " + attempt : null);
        SagaAction<S> action = current(state, stepIndex);
        if (action.isCommand()) {
            d.outgoing.add(message(d, action.command(definition.read(d.data))));
        }
    }

    private SagaMessage message(SagaDraft d, SagaCommand command) {
        String key = key(d);
        Envelope envelope = Envelope.builder(clock)
                .id(key + ":" + d.attempt)
                .source(source)
                .type(command.type())
                .subject(d.id)
                .correlationId(d.id)
                .data(command.payload())
                .extension(SagaEnvelopes.SAGA_ID, d.id)
                .extension(SagaEnvelopes.SAGA_STEP, step(d.step).name())
                .extension(SagaEnvelopes.SAGA_PHASE, phase(d.state))
                .extension(SagaEnvelopes.SAGA_KEY, key)
                .extension(SagaEnvelopes.SAGA_ATTEMPT, d.attempt)
                .build();
        return new SagaMessage(command.topic(), d.id, envelope);
    }

    /** The current action or compensation succeeded. */
    void succeeded(SagaDraft d, S data) {
        d.data = definition.write(data);
        String name = step(d.step).name();
        if (d.state == SagaState.RUNNING) {
            d.record(name, SagaEvents.STEP_SUCCEEDED, null);
            if (d.step + 1 < definition.steps().size()) {
                enter(d, SagaState.RUNNING, d.step + 1, 1);
            } else {
                d.state = SagaState.COMPLETED;
                d.deadline = null;
                d.record(null, SagaEvents.COMPLETED, null);
            }
        } else {
            d.record(name, SagaEvents.STEP_COMPENSATED, null);
            compensateFrom(d, d.step - 1);
        }
    }

    /**
     * The current action or compensation failed: retried if allowed and attempts are left, else a
     * failed action starts compensation (of the steps before it) and a failed compensation is recorded
     * and the next one runs.
     */
    void failed(SagaDraft d, String reason, boolean retryable) {
        SagaStep<S> s = step(d.step);
        if (retryable && d.attempt < s.retry().maxAttempts()) {
            d.attempt++;
            d.deadline = d.now.plus(s.retry().delayBefore(d.attempt));
            d.record(s.name(), SagaEvents.RETRY_SCHEDULED, reason);
        } else if (d.state == SagaState.RUNNING) {
            d.record(s.name(), SagaEvents.STEP_FAILED, reason);
            d.failure = "step '" + s.name() + "' failed: " + reason;
            d.state = SagaState.COMPENSATING;
            compensateFrom(d, d.step - 1);
        } else {
            d.record(s.name(), SagaEvents.COMPENSATION_FAILED, reason);
            compensateFrom(d, d.step - 1);
        }
    }

    /** The deadline of a command passed without a reply: resend, or give up (the timed-out step is compensated too). */
    void timedOut(SagaDraft d) {
        SagaStep<S> s = step(d.step);
        String detail = "no reply within " + s.timeout() + " (attempt " + d.attempt + " of " + s.retry().maxAttempts() + ")";
        d.record(s.name(), SagaEvents.TIMED_OUT, detail);
        if (d.attempt < s.retry().maxAttempts()) {
            enter(d, d.state, d.step, d.attempt + 1);
        } else if (d.state == SagaState.RUNNING) {
            d.failure = "step '" + s.name() + "' timed out: " + detail;
            d.state = SagaState.COMPENSATING;
            compensateFrom(d, d.step);
        } else {
            d.record(s.name(), SagaEvents.COMPENSATION_FAILED, "timed out: " + detail);
            compensateFrom(d, d.step - 1);
        }
    }

    /** A cancelled running saga compensates its completed steps and the current one, which may have acted. */
    void cancel(SagaDraft d, String reason) {
        d.record(null, SagaEvents.CANCELLED, reason);
        d.failure = "cancelled: " + reason;
        d.state = SagaState.COMPENSATING;
        compensateFrom(d, d.step);
    }

    /** Enters the compensation of the latest step at or before {@code from} that has one, or finishes. */
    void compensateFrom(SagaDraft d, int from) {
        for (int j = from; j >= 0; j--) {
            if (step(j).compensation().isPresent()) {
                enter(d, SagaState.COMPENSATING, j, 1);
                return;
            }
        }
        d.deadline = null;
        d.step = Math.max(0, Math.min(d.step, definition.steps().size() - 1));
        List<String> failedCompensations = new ArrayList<>();
        for (SagaTransition t : d.history) {
            if (SagaEvents.COMPENSATION_FAILED.equals(t.event()) && !failedCompensations.contains(t.step())) {
                failedCompensations.add(t.step());
            }
        }
        if (failedCompensations.isEmpty()) {
            d.state = SagaState.COMPENSATED;
            d.record(null, SagaEvents.COMPENSATED, d.failure);
        } else {
            d.state = SagaState.FAILED;
            d.failure = "compensation of " + failedCompensations + " failed; the other compensations ran"
                    + (d.failure == null ? "" : "; compensating because " + d.failure);
            d.record(null, SagaEvents.FAILED, d.failure);
        }
    }

    /** Ends a saga that cannot run here (its definition version is not registered). */
    static void fail(SagaDraft d, String reason) {
        d.state = SagaState.FAILED;
        d.deadline = null;
        d.failure = reason;
        d.record(null, SagaEvents.FAILED, reason);
    }
}
