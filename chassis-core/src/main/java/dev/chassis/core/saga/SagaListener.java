package dev.chassis.core.saga;

import dev.chassis.core.envelope.Envelope;

/**
 * Observes an orchestrator's sagas, e.g. to alert on {@link #onFailed}. Methods run on the thread
 * that drove the transition (the caller of {@code start}, {@code onReply}, {@code cancel}, or the
 * scheduler thread) after the transition was saved; they should return quickly and not throw (what
 * they throw is logged and ignored). All methods do nothing by default.
 */
public interface SagaListener {
    /**
     * A transition was saved.
     *
     * @param instance the saga afterwards
     */
    default void onTransition(SagaInstance instance) {
    }

    /**
     * A compensation was given up after its last attempt; the saga goes on with the remaining
     * compensations and ends FAILED.
     *
     * @param instance the saga afterwards
     * @param step the step whose compensation failed
     * @param reason the last error
     */
    default void onCompensationFailed(SagaInstance instance, String step, String reason) {
    }

    /**
     * A saga ended FAILED and needs an operator.
     *
     * @param instance the failed saga; {@link SagaInstance#failure()} says why
     */
    default void onFailed(SagaInstance instance) {
    }

    /**
     * A reply was ignored: late, duplicate, for an unknown saga or not correlated to one.
     *
     * @param reply the reply
     * @param reason why it was ignored
     */
    default void onReplyIgnored(Envelope reply, String reason) {
    }
}
