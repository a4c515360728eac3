package dev.chassis.messaging.outbox;

import dev.chassis.core.NonRetryableException;
import dev.chassis.core.bus.PublishException;
import dev.chassis.core.outbox.OutboxRecord;
import dev.chassis.core.outbox.OutboxStore;
import java.time.Clock;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay's poison-row handling: tells a refusal of one message from a failure that would hit any
 * message, counts refusals in the store, and keeps each refused row (and so its ordering key) back
 * for its backoff until the store parks it. The backoff times are kept here, in memory; the counts
 * in the store, so a new leader goes on counting. Used by the relay's worker thread only.
 */
final class Refusals {
    private static final Logger LOG = LoggerFactory.getLogger(RelayWorker.class);

    private final String name;
    private final OutboxStore store;
    private final Clock clock;
    private final RelaySettings settings;
    /** Refused rows not yet parked, with the nano time before which they are not published again. */
    private final Map<Long, Long> retryAt = new HashMap<>();

    Refusals(String name, OutboxStore store, Clock clock, RelaySettings settings) {
        this.name = name;
        this.store = store;
        this.clock = clock;
        this.settings = settings;
    }

    /**
     * Whether the bus refused this very message (no queue bound to its topic, a negative confirm, an
     * invalid message), as opposed to a failure that would hit any message (broker down, connection
     * lost, no confirm in time). Only refusals count toward parking a row.
     */
    static boolean isRefusal(Throwable cause) {
        if (cause instanceof PublishException) {
            PublishException.Reason reason = ((PublishException) cause).reason();
            return reason == PublishException.Reason.UNROUTABLE || reason == PublishException.Reason.NACKED;
        }
        return cause instanceof NonRetryableException || cause instanceof IllegalArgumentException;
    }

    /** @return how many refused rows wait out a backoff; a read takes this many more rows */
    int waitingRows() {
        return retryAt.size();
    }

    /** @return whether the row waits out a backoff at {@code nowNanos} */
    boolean holdsBack(long id, long nowNanos) {
        Long due = retryAt.get(id);
        return due != null && due - nowNanos > 0;
    }

    /** @return whether a refused row not in flight has waited out its backoff at {@code nowNanos} */
    boolean retryDue(long nowNanos, Set<Long> inFlight) {
        for (Map.Entry<Long, Long> e : retryAt.entrySet()) {
            if (e.getValue() - nowNanos <= 0 && !inFlight.contains(e.getKey())) {
                return true;
            }
        }
        return false;
    }

    /** After a read that returned everything unsent: rows missing from it were parked or sent elsewhere. */
    void keepOnly(List<OutboxRecord> everythingUnsent) {
        if (!retryAt.isEmpty()) {
            Set<Long> ids = new HashSet<>();
            everythingUnsent.forEach(r -> ids.add(r.id()));
            retryAt.keySet().retainAll(ids);
        }
    }

    void sent(Collection<Long> ids) {
        ids.forEach(retryAt::remove);
    }

    /** Counts a refusal in the store; parks the row at the limit (logged), or lets it wait out its backoff. */
    void count(OutboxRecord record, Throwable cause) {
        String error = cause.toString();
        int attempts;
        try {
            attempts = store.markFailed(record.id(), error, clock.instant(), settings.maxAttempts());
        } catch (RuntimeException e) {
            // not counted this time; the row is tried again after the backoff all the same
            LOG.warn("outbox relay '{}' could not count the refused publish of row {}: {}", name, record.id(),
                    e.toString());
            attempts = 0;
        }
        if (attempts >= settings.maxAttempts()) {
            retryAt.remove(record.id());
            LOG.warn("outbox relay '{}' parked row {} to '{}' after {} refused publishes; later rows of its ordering"
                    + " key go on; requeue it with retryParked(); last error: {}", name, record.id(),
                    record.message().topic(), attempts, error);
        } else {
            retryAt.put(record.id(), System.nanoTime() + settings.backoffMillis(Math.max(1, attempts)) * 1_000_000L);
        }
    }

    /** How long to sleep with nothing in flight: the poll interval, or less when a refused row is due sooner. */
    long idleWaitMillis() {
        long wait = settings.pollInterval().toMillis();
        long now = System.nanoTime();
        for (long due : retryAt.values()) {
            wait = Math.min(wait, Math.max(1, (due - now) / 1_000_000L + 1));
        }
        return wait;
    }
}
