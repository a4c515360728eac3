package dev.chassis.messaging.outbox;

import dev.chassis.core.RetryableException;
import dev.chassis.core.bus.EventBus;
import dev.chassis.core.outbox.OutboxMessage;
import dev.chassis.core.outbox.OutboxRecord;
import dev.chassis.core.outbox.OutboxStore;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
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

    /**
     * Publishes one batch with many messages in flight: rows without an ordering key all at once,
     * rows of one key one after another (each only once the previous one is confirmed, and none after
     * a failure), so per-key order holds even though the bus spreads publishes over several channels.
     * Confirmed rows are then marked sent in one write.
     */
    private Round relayBatch() throws InterruptedException {
        List<OutboxRecord> batch = store.unsent(settings.batchSize());
        if (batch.isEmpty() || !running || !coordination.stillLeads()) {
            return new Round(batch.size(), 0);
        }
        Map<String, CompletableFuture<Outcome>> lastOfKey = new HashMap<>();
        List<CompletableFuture<Outcome>> outcomes = new ArrayList<>(batch.size());
        for (OutboxRecord record : batch) {
            String key = record.message().orderingKey();
            CompletableFuture<Outcome> previous = key == null ? null : lastOfKey.get(key);
            CompletableFuture<Outcome> outcome = previous == null ? publish(record)
                    : previous.thenCompose(before -> before == Outcome.SENT ? publish(record)
                            : CompletableFuture.completedFuture(Outcome.BLOCKED));
            if (key != null) {
                lastOfKey.put(key, outcome);
            }
            outcomes.add(outcome);
        }
        long deadline = System.nanoTime() + settings.publishTimeout().toNanos();
        List<Long> sent = new ArrayList<>(batch.size());
        int failed = 0;
        for (int i = 0; i < batch.size(); i++) {
            Outcome outcome = await(batch.get(i), outcomes.get(i), deadline);
            if (outcome == Outcome.SENT) {
                sent.add(batch.get(i).id());
            } else if (outcome == Outcome.FAILED) {
                failed++;
            }
        }
        if (!sent.isEmpty()) {
            markSent(sent);
            published.addAndGet(sent.size());
        }
        return new Round(batch.size(), failed);
    }

    private Outcome await(OutboxRecord record, CompletableFuture<Outcome> outcome, long deadline)
            throws InterruptedException {
        try {
            return outcome.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            // not confirmed in time: the row stays unsent and goes out again, a duplicate at worst
            failed(record, e);
            return Outcome.FAILED;
        } catch (ExecutionException e) {
            failed(record, e.getCause() == null ? e : e.getCause());
            return Outcome.FAILED;
        }
    }

    private void markSent(List<Long> ids) {
        try {
            store.markSent(ids, clock.instant());
        } catch (RetryableException e) {
            // once more on a fresh connection (the pool drops a broken one); if that fails too, the
            // rows stay unsent and are published again: duplicates, never a loss
            LOG.warn("outbox relay '{}' could not mark {} rows sent, trying once more: {}", name, ids.size(), e.toString());
            store.markSent(ids, clock.instant());
        }
    }

    private CompletableFuture<Outcome> publish(OutboxRecord record) {
        OutboxMessage message = record.message();
        CompletableFuture<Outcome> outcome = new CompletableFuture<>();
        try {
            bus.publish(message.topic(), message.envelope()).whenComplete((ok, error) -> {
                if (error == null) {
                    outcome.complete(Outcome.SENT);
                } else {
                    failed(record, error instanceof CompletionException && error.getCause() != null ? error.getCause() : error);
                    outcome.complete(Outcome.FAILED);
                }
            });
        } catch (RuntimeException e) {
            failed(record, e);
            outcome.complete(Outcome.FAILED);
        }
        return outcome;
    }

    private void failed(OutboxRecord record, Throwable cause) {
        failures.incrementAndGet();
        lastError = cause.toString();
        LOG.warn("outbox relay '{}' could not publish row {} to '{}', will retry: {}", name, record.id(),
                record.message().topic(), cause.toString());
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

    private enum Outcome {
        SENT, FAILED, BLOCKED
    }
}
