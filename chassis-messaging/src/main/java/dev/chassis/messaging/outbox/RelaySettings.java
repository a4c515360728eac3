package dev.chassis.messaging.outbox;

import java.time.Duration;

/** The relay's tuning, checked by {@link OutboxRelay.Builder}. Immutable. */
record RelaySettings(int batchSize, Duration pollInterval, Duration initialBackoff, Duration maxBackoff,
        Duration publishTimeout, Duration retention, Duration cleanupInterval, int cleanupBatchSize) {
}
