package dev.chassis.core.saga;

/**
 * A participant called directly by a saga step, locally or over HTTP: it returns the (possibly
 * updated) saga data when it succeeded and throws when it failed. It runs on the orchestrator's
 * thread that drives the saga. A {@link dev.chassis.core.NonRetryableException} fails the step at
 * once; any other exception is retried according to the step's {@link SagaRetry}.
 *
 * <p>A call may run more than once for one step (after a crash or a lost reply), always with the
 * same idempotency key, {@code sagaId:stepName:action} or {@code sagaId:stepName:compensation};
 * participants use it to make the effect happen once.
 *
 * @param <S> the saga data type
 */
@FunctionalInterface
public interface SagaCall<S> {
    /**
     * Performs the step.
     *
     * @param data the saga data
     * @param idempotencyKey the key of this step execution, the same on every retry
     * @return the saga data afterwards, {@code data} itself if unchanged
     * @throws Exception if the participant failed
     */
    S call(S data, String idempotencyKey) throws Exception;
}
