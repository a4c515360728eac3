package dev.chassis.messaging.outbox;

import dev.chassis.core.RetryableException;
import dev.chassis.core.bus.EventBus;
import dev.chassis.core.outbox.OutboxMessage;
import dev.chassis.core.outbox.OutboxRecord;
import dev.chassis.core.outbox.OutboxStore;
import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay's loop on its own thread: lead, clean up when due, relay one batch, then sleep until
 * notified (or back off after failures). Counters are read from any thread.
 */
final class RelayWorker implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(RelayWorker.class);

    private final String name;
    private final OutboxStore store;
    private final Coordination coordination;
    private final EventBus bus;
    private final Clock clock;
    private final RelaySettings settings;
    private final Object lifecycle = new Object();
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private volatile boolean running;
    private volatile boolean stopped;
    private volatile @Nullable String lastError;
    private @Nullable Thread thread;
    private @Nullable Instant nextCleanup;

    RelayWorker(String name, OutboxStore store, Coordination coordination, EventBus bus, Clock clock,
            RelaySettings settings) {
        this.name = name;
        this.store = store;
        this.coordination = coordination;
        this.bus = bus;
        this.clock = clock;
        this.settings = settings;
    }

    void start() {
        synchronized (lifecycle) {
            if (stopped) {
                throw new IllegalStateException("outbox relay '" + name + "' was closed; build a new one");
            }
            if (thread != null) {
                return;
            }
            running = true;
            Thread t = new Thread(this, "chassis-outbox-relay-" + name);
            t.setDaemon(true);
            thread = t;
            t.start();
        }
    }

    void stop() {
        Thread t;
        synchronized (lifecycle) {
            stopped = true;
            running = false;
            t = thread;
        }
        coordination.wakeUp();
        if (t != null && t != Thread.currentThread()) {
            try {
                t.join(settings.publishTimeout().plus(settings.pollInterval()).toMillis() + 1_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    boolean isRunning() {
        return running;
    }

    long published() {
        return published.get();
    }

    long failures() {
        return failures.get();
    }

    @Nullable String lastError() {
        return lastError;
    }

    @Override
    public void run() {
        long backoff = 0;
        while (running) {
            try {
                if (!coordination.lead()) {
                    coordination.awaitWork(settings.pollInterval().toMillis());
                    continue;
                }
                cleanUpIfDue();
                Round round = relayBatch();
                if (round.failed > 0) {
                    backoff = backoff == 0 ? settings.initialBackoff().toMillis()
                            : Math.min(backoff * 2, settings.maxBackoff().toMillis());
                    pause(backoff);
                } else {
                    backoff = 0;
                    if (round.read < settings.batchSize()) {
                        coordination.awaitWork(settings.pollInterval().toMillis());
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                lastError = e.toString();
                LOG.warn("outbox relay '{}' failed a round, retrying: {}", name, e.toString());
                backoff = backoff == 0 ? settings.initialBackoff().toMillis()
                        : Math.min(backoff * 2, settings.maxBackoff().toMillis());
                try {
                    pause(backoff);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private Round relayBatch() throws InterruptedException {
        List<OutboxRecord> batch = store.unsent(settings.batchSize());
        Set<String> blocked = new HashSet<>();
        int failed = 0;
        for (OutboxRecord record : batch) {
            if (!running || !coordination.stillLeads()) {
                break;
            }
            OutboxMessage message = record.message();
            String key = message.orderingKey();
            if (key != null && blocked.contains(key)) {
                continue;
            }
            if (publish(record)) {
                markSent(record);
                published.incrementAndGet();
            } else {
                failed++;
                if (key != null) {
                    blocked.add(key);
                }
            }
        }
        return new Round(batch.size(), failed);
    }

    private void markSent(OutboxRecord record) {
        try {
            store.markSent(record.id(), clock.instant());
        } catch (RetryableException e) {
            // once more on a fresh connection (the pool drops a broken one); if that fails too, the
            // row stays unsent and is published again: a duplicate, never a loss
            LOG.warn("outbox relay '{}' could not mark row {} sent, trying once more: {}", name, record.id(), e.toString());
            store.markSent(record.id(), clock.instant());
        }
    }

    private boolean publish(OutboxRecord record) throws InterruptedException {
        OutboxMessage message = record.message();
        try {
            bus.publish(message.topic(), message.envelope()).toCompletableFuture()
                    .get(settings.publishTimeout().toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (ExecutionException e) {
            return failed(record, e.getCause() == null ? e : e.getCause());
        } catch (TimeoutException | RuntimeException e) {
            return failed(record, e);
        }
    }

    private boolean failed(OutboxRecord record, Throwable cause) {
        failures.incrementAndGet();
        lastError = cause.toString();
        LOG.warn("outbox relay '{}' could not publish row {} to '{}', will retry: {}", name, record.id(),
                record.message().topic(), cause.toString());
        return false;
    }

    private void cleanUpIfDue() {
        Instant now = clock.instant();
        if (nextCleanup != null && now.isBefore(nextCleanup)) {
            return;
        }
        nextCleanup = now.plus(settings.cleanupInterval());
        Instant cutOff = now.minus(settings.retention());
        int total = 0;
        int deleted;
        do {
            deleted = store.purgeSent(cutOff, settings.cleanupBatchSize());
            total += deleted;
        } while (deleted == settings.cleanupBatchSize() && running);
        if (total > 0) {
            LOG.info("outbox relay '{}' deleted {} messages sent before {}", name, total, cutOff);
        }
    }

    private void pause(long millis) throws InterruptedException {
        // woken early only by stop(); a notification during backoff must not shorten it
        long deadline = System.nanoTime() + millis * 1_000_000L;
        while (running) {
            long left = (deadline - System.nanoTime()) / 1_000_000L;
            if (left <= 0) {
                return;
            }
            coordination.awaitWork(left);
        }
    }

    private record Round(int read, int failed) {
    }
}
