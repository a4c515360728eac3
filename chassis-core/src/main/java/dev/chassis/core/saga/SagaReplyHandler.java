package dev.chassis.core.saga;

import dev.chassis.core.envelope.Envelope;

/**
 * Folds a participant's successful reply into the saga data, for command steps whose reply carries
 * something the later steps need (a reservation id, a payment reference). Runs on the thread that
 * delivered the reply; throwing fails the step like a failure reply.
 *
 * @param <S> the saga data type
 */
@FunctionalInterface
public interface SagaReplyHandler<S> {
    /**
     * Keeps the data as it is.
     *
     * @param <S> the saga data type
     * @return a handler that ignores the reply's content
     */
    static <S> SagaReplyHandler<S> keepData() {
        return (data, reply) -> data;
    }

    /**
     * Computes the data after a successful reply.
     *
     * @param data the saga data
     * @param reply the reply envelope
     * @return the saga data afterwards
     * @throws Exception if the reply cannot be used (the step fails)
     */
    S onReply(S data, Envelope reply) throws Exception;
}
