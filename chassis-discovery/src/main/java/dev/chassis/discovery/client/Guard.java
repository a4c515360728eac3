package dev.chassis.discovery.client;

import dev.chassis.core.resilience.Resilience;
import java.time.Duration;

/** An instance's breaker (inside a {@link Resilience}), its timeout, and until when it was last seen open. */
final class Guard {
    final Resilience resilience;
    final Duration timeout;
    private volatile long openUntilNanos;

    Guard(Resilience resilience, Duration timeout) {
        this.resilience = resilience;
        this.timeout = timeout;
    }

    boolean knownOpen(long now) {
        long until = openUntilNanos;
        return until != 0 && now - until < 0;
    }

    void openFor(Duration retryAfter) {
        openUntilNanos = retryAfter.isZero() ? 0 : System.nanoTime() + retryAfter.toNanos();
    }
}
