package dev.chassis.core.saga;

import java.util.List;

/** The event names of {@link SagaTransition#event()}: part of the persisted format, never renamed. */
final class SagaEvents {
    static final String STARTED = "started";
    static final String STEP_STARTED = "step-started";
    static final String STEP_SUCCEEDED = "step-succeeded";
    static final String STEP_FAILED = "step-failed";
    static final String TIMED_OUT = "timed-out";
    static final String RETRY_SCHEDULED = "retry-scheduled";
    static final String COMPENSATION_STARTED = "compensation-started";
    static final String STEP_COMPENSATED = "step-compensated";
    static final String COMPENSATION_FAILED = "compensation-failed";
    static final String CANCELLED = "cancelled";
    static final String COMPLETED = "completed";
    static final String COMPENSATED = "compensated";
    static final String FAILED = "failed";

    private SagaEvents() {
    }

    static boolean waitingForRetry(List<SagaTransition> history) {
        return !history.isEmpty() && RETRY_SCHEDULED.equals(history.get(history.size() - 1).event());
    }
}
