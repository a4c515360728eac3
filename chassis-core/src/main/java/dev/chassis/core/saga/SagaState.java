package dev.chassis.core.saga;

/**
 * Where a saga instance is in its life. {@link #RUNNING} and {@link #COMPENSATING} are unfinished;
 * the other three are final and never change again.
 */
public enum SagaState {
    /** Steps are being executed forwards. */
    RUNNING,
    /** A step failed, timed out or the saga was cancelled: completed steps are being compensated in reverse order. */
    COMPENSATING,
    /** Every step succeeded. */
    COMPLETED,
    /** A step failed or the saga was cancelled, and every completed step was compensated. */
    COMPENSATED,
    /** A compensation kept failing (or the saga's definition version is gone): needs an operator. */
    FAILED;

    /**
     * Whether the state is final.
     *
     * @return true for COMPLETED, COMPENSATED and FAILED
     */
    public boolean isFinal() {
        return this == COMPLETED || this == COMPENSATED || this == FAILED;
    }
}
