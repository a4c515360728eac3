package dev.chassis.core.saga;

/**
 * Counters of one orchestrator since it was built (not across instances or restarts; the store has
 * the durable counts by state). Immutable snapshot.
 *
 * @param started sagas started
 * @param completed sagas that ended COMPLETED here
 * @param compensated sagas that ended COMPENSATED here
 * @param failed sagas that ended FAILED here
 * @param compensationFailures compensations given up after their last attempt
 * @param retries retries scheduled and commands resent
 * @param timeouts commands whose reply did not come in time
 * @param repliesApplied replies that moved a saga on
 * @param repliesIgnored late, duplicate, unknown or uncorrelated replies
 * @param conflicts saves refused because another orchestrator had saved the saga first, or leases refused
 */
public record SagaMetrics(long started, long completed, long compensated, long failed, long compensationFailures,
        long retries, long timeouts, long repliesApplied, long repliesIgnored, long conflicts) {
}
