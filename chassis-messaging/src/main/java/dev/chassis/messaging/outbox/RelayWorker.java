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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
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
    private static final long SETTLE_WAIT_MILLIS = 5;

    private final String name;
    private final OutboxStore store;
    private final Coordination coordination;
    private final EventBus bus;
    private final Clock clock;
    private final RelaySettings settings;
    private final Object lifecycle = new Object();
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    /** Rows published but not yet settled, with when their publish started; read by this worker and bus threads. */
    private final Map<Long, Long> inFlight = new ConcurrentHashMap<>();
    /** Completed publishes, handed from the bus's threads to this worker. */
    private final BlockingQueue<Settled> settled = new LinkedBlockingQueue<>();
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
                if (inFlight.isEmpty()) {
                    if (!coordination.lead()) {
                        coordination.awaitWork(settings.pollInterval().toMillis());
                        continue;
                    }
                    cleanUpIfDue();
                }
                int failed = settle(0);
                boolean publishedNew = false;
                if (failed == 0 && inFlight.size() < settings.batchSize() * 2 && coordination.stillLeads()) {
                    publishedNew = publishNewRows();
                }
                if (!publishedNew && failed == 0) {
                    if (inFlight.isEmpty()) {
                        coordination.awaitWork(settings.pollInterval().toMillis());
                    } else {
                        failed = settle(SETTLE_WAIT_MILLIS);
                    }
                }
                if (failed > 0) {
                    backoff = backoff == 0 ? settings.initialBackoff().toMillis()
                            : Math.min(backoff * 2, settings.maxBackoff().toMillis());
                    LOG.warn("outbox relay '{}': {} publishes failed, retrying in {} ms; last error: {}", name, failed,
                            backoff, lastError);
                    pause(backoff);
                } else if (publishedNew) {
                    backoff = 0;
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
        drainInFlight();
    }

    /**
     * Reads committed unsent rows and publishes those not already in flight, many at once: rows
     * without an ordering key all together, rows of one key one after another (each after the
     * previous one's confirm, none after a failure). A key with a row still in flight from an earlier
     * read waits: its later rows go out only once that row is settled, so per-key order holds even
     * though the bus spreads publishes over several channels and rounds overlap.
     *
     * @return whether anything new was published
     */
    private boolean publishNewRows() {
        List<OutboxRecord> rows = store.unsent(settings.batchSize() + inFlight.size());
        Map<String, CompletableFuture<Outcome>> lastOfKey = new HashMap<>();
        Set<String> waiting = new HashSet<>();
        int started = 0;
        for (OutboxRecord record : rows) {
            if (started == settings.batchSize()) {
                break;
            }
            String key = record.message().orderingKey();
            if (inFlight.containsKey(record.id())) {
                if (key != null) {
                    waiting.add(key);
                }
                continue;
            }
            if (key != null && waiting.contains(key)) {
                continue;
            }
            long id = record.id();
            inFlight.put(id, System.nanoTime());
            CompletableFuture<Outcome> previous = key == null ? null : lastOfKey.get(key);
            CompletableFuture<Outcome> outcome = previous == null ? publish(record)
                    : previous.thenCompose(before -> before == Outcome.SENT ? publish(record)
                            : CompletableFuture.completedFuture(Outcome.BLOCKED));
            if (key != null) {
                lastOfKey.put(key, outcome);
            }
            outcome.thenAccept(o -> settled.add(new Settled(id, o)));
            started++;
        }
        return started > 0;
    }

    /**
     * Marks confirmed rows sent (in one write) and forgets failed ones, so they are read and published
     * again; rows whose confirm is overdue are forgotten too (a duplicate at worst).
     *
     * @param waitMillis how long to wait for a first completion, 0 for none
     * @return how many publishes failed or timed out
     */
    private int settle(long waitMillis) throws InterruptedException {
        Settled first = waitMillis > 0 ? settled.poll(waitMillis, TimeUnit.MILLISECONDS) : settled.poll();
        List<Long> sent = new ArrayList<>();
        int failed = 0;
        for (Settled done = first; done != null; done = settled.poll()) {
            if (done.outcome() == Outcome.SENT) {
                sent.add(done.id());
            } else {
                inFlight.remove(done.id());
                if (done.outcome() == Outcome.FAILED) {
                    failed++;
                }
            }
        }
        long overdue = System.nanoTime() - settings.publishTimeout().toNanos();
        for (Map.Entry<Long, Long> e : inFlight.entrySet()) {
            if (e.getValue() - overdue < 0 && !sent.contains(e.getKey()) && inFlight.remove(e.getKey(), e.getValue())) {
                failures.incrementAndGet();
                lastError = "no confirm within " + settings.publishTimeout() + " for row " + e.getKey();
                LOG.warn("outbox relay '{}': {}; it will be published again", name, lastError);
                failed++;
            }
        }
        if (!sent.isEmpty()) {
            try {
                markSent(sent);
                published.addAndGet(sent.size());
            } finally {
                // marked, or read and published again (a duplicate, never a loss)
                sent.forEach(inFlight::remove);
            }
        }
        return failed;
    }

    /** On stop: waits a while for the confirms of what is in flight, so it need not go out again. */
    private void drainInFlight() {
        long deadline = System.nanoTime() + settings.publishTimeout().toNanos();
        try {
            while (!inFlight.isEmpty() && System.nanoTime() < deadline) {
                settle(SETTLE_WAIT_MILLIS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.warn("outbox relay '{}' could not settle in-flight messages on stop; they will be published again: {}",
                    name, e.toString());
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
        // one line per failed row only at DEBUG: during a broker outage every row of a round fails
        LOG.debug("outbox relay '{}' could not publish row {} to '{}', will retry: {}", name, record.id(),
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

    private record Settled(long id, Outcome outcome) {
    }

    private enum Outcome {
        SENT, FAILED, BLOCKED
    }
}
