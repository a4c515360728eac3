package dev.chassis.messaging.outbox;

import java.time.Duration;

/** The relay's tuning, checked by {@link OutboxRelay.Builder}. Immutable. */
record RelaySettings(int batchSize, Duration pollInterval, Duration initialBackoff, Duration maxBackoff,
        Duration publishTimeout, Duration retention, Duration cleanupInterval, int cleanupBatchSize, int maxAttempts,
        int maxInFlight, Duration flowPollInterval) {

    /** The pause after a failure that happened {@code failures} times in a row: doubling, capped. */
    long backoffMillis(int failures) {
        long pause = initialBackoff.toMillis();
        for (int i = 1; i < failures && pause < maxBackoff.toMillis(); i++) {
            pause *= 2;
        }
        return Math.min(pause, maxBackoff.toMillis());
    }
}
