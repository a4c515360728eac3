package dev.chassis.core.saga;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One step of a {@link SagaDefinition}: a named action, an optional compensation that undoes it, a
 * timeout (how long a command waits for its reply, and how long a crashed call waits before it is
 * run again) and a retry policy for both. Immutable and thread-safe; made by the definition builder.
 *
 * @param <S> the saga data type
 */
public final class SagaStep<S> {
    private final String name;
    private final SagaAction<S> action;
    private final @Nullable SagaAction<S> compensation;
    private final Duration timeout;
    private final SagaRetry retry;

    private SagaStep(Builder<S> b, SagaAction<S> action) {
        this.name = b.name;
        this.action = action;
        this.compensation = b.compensation;
        this.timeout = b.timeout;
        this.retry = b.retry;
    }

    /** @return the step's name, unique in its definition, e.g. {@code "reserve-inventory"} */
    public String name() {
        return name;
    }

    /** @return what the step does */
    public SagaAction<S> action() {
        return action;
    }

    /** @return what undoes the step, empty if nothing needs undoing */
    public Optional<SagaAction<S>> compensation() {
        return Optional.ofNullable(compensation);
    }

    /** @return how long a command waits for its reply (default 30 seconds) */
    public Duration timeout() {
        return timeout;
    }

    /** @return how the action and the compensation are retried (default {@link SagaRetry#ofDefaults()}) */
    public SagaRetry retry() {
        return retry;
    }

    static <S> Builder<S> builder(String name) {
        return new Builder<>(name);
    }

    @Override
    public String toString() {
        return "SagaStep[" + name + "]";
    }

    /**
     * Configures a step; used through {@link SagaDefinition.Builder#step}. Not thread-safe.
     *
     * @param <S> the saga data type
     */
    public static final class Builder<S> {
        private final String name;
        private @Nullable SagaAction<S> action;
        private @Nullable SagaAction<S> compensation;
        private Duration timeout = Duration.ofSeconds(30);
        private SagaRetry retry = SagaRetry.ofDefaults();

        private Builder(String name) {
            this.name = name;
        }

        /**
         * Sets what the step does; required.
         *
         * @param action the action
         * @return this builder
         */
        public Builder<S> action(SagaAction<S> action) {
            this.action = requireNonNull(action, "action");
            return this;
        }

        /**
         * Sets what undoes the step. Compensations must tolerate "nothing to undo", since a step that
         * timed out or a saga cancelled mid-step is compensated although the participant may not have acted.
         *
         * @param compensation the compensation
         * @return this builder
         */
        public Builder<S> compensation(SagaAction<S> compensation) {
            this.compensation = requireNonNull(compensation, "compensation");
            return this;
        }

        /**
         * Sets how long a command waits for its reply.
         *
         * @param timeout positive
         * @return this builder
         */
        public Builder<S> timeout(Duration timeout) {
            requireNonNull(timeout, "timeout");
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeout of step '" + name + "' must be positive, was " + timeout);
            }
            this.timeout = timeout;
            return this;
        }

        /**
         * Sets how the action and the compensation are retried.
         *
         * @param retry the policy
         * @return this builder
         */
        public Builder<S> retry(SagaRetry retry) {
            this.retry = requireNonNull(retry, "retry");
            return this;
        }

        SagaStep<S> build() {
            if (action == null) {
                throw new IllegalArgumentException("step '" + name + "' has no action: call action(SagaAction.call(...)) "
                        + "or action(SagaAction.command(...))");
            }
            return new SagaStep<>(this, action);
        }
    }
}
