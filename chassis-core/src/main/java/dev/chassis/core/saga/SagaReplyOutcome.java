package dev.chassis.core.saga;

/** What {@link SagaOrchestrator#onReply} did with a reply. */
public enum SagaReplyOutcome {
    /** The reply moved its saga on. */
    APPLIED,
    /** The reply was late, a duplicate, for an unknown saga or not a saga reply; nothing changed. */
    IGNORED
}
