package dev.chassis.messaging.outbox;

import static java.util.Objects.requireNonNull;

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
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay's loop on its own thread: lead, clean up when due, relay one batch, then sleep until
 * notified (or back off after failures). Marking confirmed rows sent runs on a second thread, so
 * that a slow write does not hold up the next read. Counters are read from any thread.
 *
 * <p>Two kinds of failure are told apart. A transient one (broker down, connection lost, no confirm
 * in time) concerns every row, so the whole relay backs off and nothing is counted against the row.
 * A refusal of one message (unroutable, nacked, invalid) is counted in the store; the row alone
 * waits out the backoff (its ordering key with it) while other keys go on, and once the store parked
 * it the later rows of its key go on too.
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
    /** Rows published but not yet settled, with when their publish started and their key; changed by this worker only. */
    private final Map<Long, InFlight> inFlight = new ConcurrentHashMap<>();
    /** Completed publishes, handed from the bus's threads to this worker. */
    private final BlockingQueue<Settled> settled = new LinkedBlockingQueue<>();
    /** Marks of confirmed rows run here, so the worker reads and publishes meanwhile. */
    private final ExecutorService marker;
    /** Rows whose mark is under way; changed by this worker only. */
    private final Set<Long> marking = new HashSet<>();
    /** Confirmed rows waiting for the marker, which takes all there are into one write. */
    private final BlockingQueue<List<Long>> toMark = new LinkedBlockingQueue<>();
    /** Finished marks, handed from the marker to this worker. */
    private final BlockingQueue<Marked> marked = new LinkedBlockingQueue<>();
    private final Refusals refusals;
    private volatile boolean running;
    private volatile boolean stopped;
    private volatile @Nullable String lastError;
    private @Nullable Thread thread;
    private @Nullable Instant nextCleanup;
    /** When the last read of unsent rows ran; this worker only. */
    private long lastReadNanos = System.nanoTime();
    /** Whether the last read left rows behind that a settled publish lets go (a busy key, a full batch). */
    private boolean leftRowsBehind;
    /** Whether a publish settled since the last read. */
    private boolean settledSinceRead;
    /** Whether the next round reads whatever else says: after a pause, which may have taken a notification. */
    private boolean readNext;
    /**
     * Whether messages flow: a read published something, and no read since, a flow poll interval or
     * more after it, found nothing. While they flow, the next read comes within the flow poll interval.
     */
    private boolean flowing;
    /** When the last read that published something ran; this worker only. */
    private long lastPublishingReadNanos;
    /** When settling next looks for rows whose confirm is overdue; this worker only. */
    private long nextOverdueCheckNanos = System.nanoTime();

    RelayWorker(String name, OutboxStore store, Coordination coordination, EventBus bus, Clock clock,
            RelaySettings settings) {
        this.name = name;
        this.store = store;
        this.coordination = coordination;
        this.bus = bus;
        this.clock = clock;
        this.settings = settings;
        this.refusals = new Refusals(name, store, clock, settings);
        this.marker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "chassis-outbox-mark-" + name);
            t.setDaemon(true);
            return t;
        });
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
                        coordination.workArrived();  // a standby tries again after the poll interval
                        coordination.awaitWork(settings.pollInterval().toMillis());
                        continue;
                    }
                    cleanUpIfDue();
                }
                int failed = settle(0);
                boolean publishedNew = false;
                if (failed == 0 && readDue()) {
                    if (inFlight.size() < settings.maxInFlight()) {
                        publishedNew = publishNewRows();
                    } else {
                        readNext = true;  // once a publish settles
                    }
                }
                if (!publishedNew && failed == 0) {
                    // until a commit is notified, a publish settles (it wakes the relay), a refused
                    // row's backoff ends or the (flow) poll interval since the last read passes
                    coordination.awaitWork(waitMillis());
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
        marker.shutdown();
    }

    /** How long to sleep at most before the next round, when nothing is to be done now. */
    private long waitMillis() {
        long sinceRead = (System.nanoTime() - lastReadNanos) / 1_000_000L;
        long wait = refusals.idleWaitMillis();
        if (flowing) {
            wait = Math.min(wait, settings.flowPollInterval().toMillis() - sinceRead);
        } else if (!inFlight.isEmpty()) {
            wait = Math.min(wait, settings.pollInterval().toMillis() - sinceRead);
        }
        return Math.max(1, wait);
    }

    /**
     * Whether to read unsent rows now. Idle, the relay reads after each wake-up; while confirms are
     * outstanding it wakes for each settled publish too, and a read costs the database a query, so
     * it reads only when it may find something: a commit was notified, a publish settled that rows
     * left behind were waiting for, a refused row's backoff ended, a pause ended, the poll interval
     * passed (the fallback when a notification is missed), or, while messages flow, the flow poll
     * interval passed (so a notification delivered late holds nothing up). Takes the notification.
     */
    private boolean readDue() {
        long now = System.nanoTime();
        boolean notified = coordination.workArrived();
        return notified
                || inFlight.isEmpty()
                || readNext
                || (leftRowsBehind && settledSinceRead)
                || now - lastReadNanos >= (flowing ? settings.flowPollInterval() : settings.pollInterval()).toNanos()
                || refusals.retryDue(now, inFlight.keySet());
    }

    /**
     * Reads committed unsent rows and publishes those not already in flight, many at once: rows
     * without an ordering key all together, rows of one key one after another (each after the
     * previous one's confirm, none after a failure). A key with a row still in flight from an earlier
     * read waits: its later rows go out only once that row is settled, so per-key order holds even
     * though the bus spreads publishes over several channels and rounds overlap. At most
     * {@code maxInFlight} rows are unconfirmed at a time.
     *
     * <p>Reads overlap with confirms, so each read is kept cheap: rows in flight are left out of
     * the query rather than read, decoded and skipped, and the read itself shows the leadership
     * (see {@link Coordination#readUnsent}), with no round trip of its own.
     *
     * @return whether anything new was published
     */
    private boolean publishNewRows() {
        int limit = settings.batchSize() + refusals.waitingRows();
        Set<Long> flying = Set.copyOf(inFlight.keySet());
        lastReadNanos = System.nanoTime();
        settledSinceRead = false;
        readNext = false;
        Optional<List<OutboxRecord>> read = coordination.readUnsent(limit, flying);
        if (read.isEmpty()) {
            flowing = false;
            leftRowsBehind = true;  // no longer leads: the next idle round tries to lead again
            return false;
        }
        List<OutboxRecord> rows = read.get();
        boolean behind = rows.size() >= limit;
        if (rows.size() < limit) {
            refusals.keepOnly(rows);
        }
        long now = System.nanoTime();
        Map<String, CompletableFuture<Settled>> lastOfKey = new HashMap<>();
        Set<String> waiting = new HashSet<>();
        for (long id : flying) {
            InFlight f = inFlight.get(id);
            if (f != null && f.key() != null) {
                waiting.add(f.key());
            }
        }
        int started = 0;
        for (OutboxRecord record : rows) {
            if (started == settings.batchSize() || inFlight.size() >= settings.maxInFlight()) {
                behind = true;
                break;
            }
            String key = record.message().orderingKey();
            if (inFlight.containsKey(record.id())) {
                continue;
            }
            if (key != null && waiting.contains(key)) {
                behind = true;
                continue;
            }
            long id = record.id();
            if (refusals.holdsBack(id, now)) {
                // a refused row waits out its backoff, and the later rows of its key with it
                if (key != null) {
                    waiting.add(key);
                }
                continue;
            }
            inFlight.put(id, new InFlight(System.nanoTime(), key));
            CompletableFuture<Settled> previous = key == null ? null : lastOfKey.get(key);
            CompletableFuture<Settled> outcome = previous == null ? publish(record)
                    : previous.thenCompose(before -> before.outcome() == Outcome.SENT ? publish(record)
                            : CompletableFuture.completedFuture(new Settled(record, Outcome.BLOCKED, null)));
            if (key != null) {
                lastOfKey.put(key, outcome);
            }
            outcome.thenAccept(done -> {
                settled.add(done);
                coordination.wakeUp();
            });
            started++;
        }
        leftRowsBehind = behind;
        if (started > 0) {
            flowing = true;
            lastPublishingReadNanos = lastReadNanos;
        } else if (lastReadNanos - lastPublishingReadNanos >= settings.flowPollInterval().toNanos()) {
            flowing = false;
        }
        return started > 0;
    }

    /**
     * Hands confirmed rows to the marker, which marks them sent in one write, and forgets failed ones,
     * so they are read and published again; rows whose confirm is overdue are forgotten too (a
     * duplicate at worst). A row stays in flight until its mark is done, so no read sees it unsent
     * meanwhile. Refused rows are counted in the store, here, after the marks were handed over.
     *
     * @param waitMillis how long to wait for a first completion, 0 for none
     * @return how many publishes failed transiently or timed out (refusals not included)
     */
    private int settle(long waitMillis) throws InterruptedException {
        Settled first = waitMillis > 0 ? settled.poll(waitMillis, TimeUnit.MILLISECONDS) : settled.poll();
        List<Long> sent = new ArrayList<>();
        List<Settled> refused = new ArrayList<>();
        int failed = 0;
        for (Marked done = marked.poll(); done != null; done = marked.poll()) {
            settledSinceRead = true;
            // marked, or read and published again (a duplicate, never a loss)
            done.ids().forEach(inFlight::remove);
            done.ids().forEach(marking::remove);
            refusals.sent(done.ids());
            if (done.error() == null) {
                published.addAndGet(done.ids().size());
            } else {
                failures.incrementAndGet();
                lastError = done.error().toString();
                LOG.warn("outbox relay '{}' could not mark {} rows sent; they will be published again: {}", name,
                        done.ids().size(), lastError);
            }
        }
        for (Settled done = first; done != null; done = settled.poll()) {
            settledSinceRead = true;
            if (done.outcome() == Outcome.SENT) {
                sent.add(done.id());
            } else {
                inFlight.remove(done.id());
                if (done.outcome() == Outcome.FAILED) {
                    failed++;
                } else if (done.outcome() == Outcome.REFUSED) {
                    refused.add(done);
                }
            }
        }
        long now = System.nanoTime();
        if (now - nextOverdueCheckNanos >= 0) {
            // a look at every row in flight, so not on every round: a tenth of the timeout late at most
            nextOverdueCheckNanos = now + Math.min(settings.publishTimeout().toNanos() / 10, 1_000_000_000L);
            failed += forgetOverdue(now - settings.publishTimeout().toNanos(), sent);
        }
        if (!sent.isEmpty()) {
            marking.addAll(sent);
            toMark.add(sent);
            marker.execute(this::markWaiting);
        }
        refused.forEach(r -> refusals.count(r.record(), requireNonNull(r.error())));
        return failed;
    }

    /** Forgets rows published before {@code overdue} and not confirmed since; returns how many. */
    private int forgetOverdue(long overdue, List<Long> sent) {
        int forgotten = 0;
        Set<Long> confirmed = sent.isEmpty() ? Set.of() : new HashSet<>(sent);
        for (Map.Entry<Long, InFlight> e : inFlight.entrySet()) {
            if (e.getValue().startNanos() - overdue < 0 && !confirmed.contains(e.getKey()) && !marking.contains(e.getKey())
                    && inFlight.remove(e.getKey(), e.getValue())) {
                failures.incrementAndGet();
                lastError = "no confirm within " + settings.publishTimeout() + " for row " + e.getKey();
                LOG.warn("outbox relay '{}': {}; it will be published again", name, lastError);
                forgotten++;
            }
        }
        return forgotten;
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

    /** On the marker: marks every row waiting (perhaps handed over by several settles) in one write. */
    private void markWaiting() {
        List<Long> ids = new ArrayList<>();
        for (List<Long> some = toMark.poll(); some != null; some = toMark.poll()) {
            ids.addAll(some);
        }
        if (ids.isEmpty()) {
            return;  // taken by an earlier run
        }
        RuntimeException error = null;
        try {
            markSent(ids);
        } catch (RuntimeException e) {
            error = e;
        }
        marked.add(new Marked(ids, error));
        coordination.wakeUp();
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

    private CompletableFuture<Settled> publish(OutboxRecord record) {
        OutboxMessage message = record.message();
        CompletableFuture<Settled> outcome = new CompletableFuture<>();
        try {
            bus.publish(message.topic(), message.envelope()).whenComplete((ok, error) -> {
                if (error == null) {
                    outcome.complete(new Settled(record, Outcome.SENT, null));
                } else {
                    outcome.complete(failed(record,
                            error instanceof CompletionException && error.getCause() != null ? error.getCause() : error));
                }
            });
        } catch (RuntimeException e) {
            outcome.complete(failed(record, e));
        }
        return outcome;
    }

    private Settled failed(OutboxRecord record, Throwable cause) {
        failures.incrementAndGet();
        lastError = cause.toString();
        // one line per failed row only at DEBUG: during a broker outage every row of a round fails
        LOG.debug("outbox relay '{}' could not publish row {} to '{}', will retry: {}", name, record.id(),
                record.message().topic(), cause.toString());
        return new Settled(record, Refusals.isRefusal(cause) ? Outcome.REFUSED : Outcome.FAILED, cause);
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
        // ended early only by stop(); a notification or a settled publish must not shorten it, so
        // notifications are taken (and the next round reads anyway)
        long deadline = System.nanoTime() + millis * 1_000_000L;
        readNext = true;
        while (running) {
            long left = (deadline - System.nanoTime()) / 1_000_000L;
            if (left <= 0) {
                return;
            }
            coordination.workArrived();
            coordination.awaitWork(left);
        }
    }

    /** A mark done by the marker: the rows, and why it failed, if it did. */
    private record Marked(List<Long> ids, @Nullable RuntimeException error) {
    }

    /** A row published and not yet settled: when its publish started, and its ordering key. */
    private record InFlight(long startNanos, @Nullable String key) {
    }

    private record Settled(OutboxRecord record, Outcome outcome, @Nullable Throwable error) {
        long id() {
            return record.id();
        }
    }

    private enum Outcome {
        /** Confirmed and routed. */
        SENT,
        /** Failed for a reason that would hit any message; the whole relay backs off. */
        FAILED,
        /** Refused for a reason of this message; counted toward parking it. */
        REFUSED,
        /** Not tried, because an earlier row of its key did not go out. */
        BLOCKED
    }
}
