package dev.chassis.core.saga;

import dev.chassis.core.RetryableException;

/**
 * A reply could not be applied now because another orchestrator instance holds the saga's lease or
 * saved it first. Retryable: let the bus redeliver the reply (it is then applied or ignored as stale).
 */
public final class SagaBusyException extends RetryableException {
    private static final long serialVersionUID = 1L;

    /** The saga's id. */
    private final String sagaId;

    /**
     * Creates the exception.
     *
     * @param sagaId the saga
     * @param message what happened
     */
    public SagaBusyException(String sagaId, String message) {
        super(message);
        this.sagaId = sagaId;
    }

    /** @return the saga's id */
    public String sagaId() {
        return sagaId;
    }
}
