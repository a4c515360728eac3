package dev.chassis.core.saga;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** An orchestrator's counters, and what it logs and tells its listener after a save. Thread-safe. */
final class SagaCounters {
    private static final Logger log = LoggerFactory.getLogger(SagaOrchestrator.class);

    final AtomicLong started = new AtomicLong();
    final AtomicLong completed = new AtomicLong();
    final AtomicLong compensated = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    final AtomicLong compensationFailures = new AtomicLong();
    final AtomicLong retries = new AtomicLong();
    final AtomicLong timeouts = new AtomicLong();
    final AtomicLong repliesApplied = new AtomicLong();
    final AtomicLong repliesIgnored = new AtomicLong();
    final AtomicLong conflicts = new AtomicLong();
    private final SagaListener listener;
    private final SagaTracing tracing;

    SagaCounters(SagaListener listener, SagaTracing tracing) {
        this.listener = listener;
        this.tracing = tracing;
    }

    SagaMetrics snapshot() {
        return new SagaMetrics(started.get(), completed.get(), compensated.get(), failed.get(),
                compensationFailures.get(), retries.get(), timeouts.get(), repliesApplied.get(), repliesIgnored.get(),
                conflicts.get());
    }

    void afterSave(SagaInstance instance, List<SagaTransition> added) {
        for (int i = 0; i < added.size(); i++) {
            SagaTransition t = added.get(i);
            switch (t.event()) {
                case SagaEvents.RETRY_SCHEDULED -> retries.incrementAndGet();
                case SagaEvents.TIMED_OUT -> {
                    timeouts.incrementAndGet();
                    if (i + 1 < added.size() && t.step() != null && t.step().equals(added.get(i + 1).step())
                            && added.get(i + 1).detail() != null) {
                        retries.incrementAndGet();
                    }
                }
                case SagaEvents.COMPENSATION_FAILED -> {
                    compensationFailures.incrementAndGet();
                    log.error("saga {} {}: compensation of step '{}' failed for good: {}; the remaining "
                            + "compensations still run and the saga will end FAILED", instance.type(), instance.id(),
                            t.step(), t.detail());
                    notify(() -> listener.onCompensationFailed(instance, String.valueOf(t.step()),
                            String.valueOf(t.detail())));
                }
                default -> { }
            }
        }
        notify(() -> listener.onTransition(instance));
        if (instance.state().isFinal() && !added.isEmpty()) {
            tracing.outcome(instance.type(), instance.state());
            switch (instance.state()) {
                case COMPLETED -> completed.incrementAndGet();
                case COMPENSATED -> compensated.incrementAndGet();
                default -> {
                    failed.incrementAndGet();
                    log.error("saga {} {} FAILED and needs an operator: {}", instance.type(), instance.id(),
                            instance.failure());
                    notify(() -> listener.onFailed(instance));
                }
            }
        }
    }

    void notify(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            log.warn("saga listener failed", e);
        }
    }
}
