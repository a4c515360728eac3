package dev.chassis.messaging.outbox;

import static java.util.Objects.requireNonNull;

import dev.chassis.core.envelope.Envelope;
import dev.chassis.core.outbox.OutboxMessage;
import dev.chassis.core.outbox.OutboxRecord;
import dev.chassis.core.outbox.OutboxStore;
import dev.chassis.core.outbox.ParkedMessage;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;

/**
 * The outbox of the embedded default, kept in memory: no database and no transaction, so a message
 * is committed the moment {@link #add(String, Envelope)} returns, and lost with the process. Relayed
 * by an {@link OutboxRelay} built with {@link OutboxRelay.Builder#outbox(InMemoryOutbox)}, with the
 * same ordering, marking and cleanup rules as the PostgreSQL outbox. Instances are thread-safe and
 * intended to be shared.
 *
 * <pre>{@code
 * InMemoryOutbox outbox = InMemoryOutbox.create();
 * outbox.add("order.placed", "order-42", envelope);
 * }</pre>
 */
public final class InMemoryOutbox {
    private final Clock clock;
    private final Object lock = new Object();
    private final TreeMap<Long, Row> rows = new TreeMap<>();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private final OutboxStore store = new Store();
    private long nextId = 1;

    private InMemoryOutbox(Clock clock) {
        this.clock = clock;
    }

    /** @return an empty outbox using the UTC system clock */
    public static InMemoryOutbox create() {
        return new InMemoryOutbox(Clock.systemUTC());
    }

    /**
     * An empty outbox.
     *
     * @param clock the clock of the creation and sent times
     * @return the outbox
     */
    public static InMemoryOutbox create(Clock clock) {
        return new InMemoryOutbox(requireNonNull(clock, "clock"));
    }

    /**
     * Adds a message without an ordering key.
     *
     * @param topic the topic to publish to
     * @param envelope the envelope
     * @return the message's id
     */
    public long add(String topic, Envelope envelope) {
        return add(OutboxMessage.of(topic, envelope));
    }

    /**
     * Adds a message with an ordering key.
     *
     * @param topic the topic to publish to
     * @param orderingKey e.g. the aggregate id
     * @param envelope the envelope
     * @return the message's id
     */
    public long add(String topic, String orderingKey, Envelope envelope) {
        return add(OutboxMessage.of(topic, orderingKey, envelope));
    }

    /**
     * Adds a message. Missing correlation and trace context are taken from the caller's current
     * context, as {@link Outbox} does.
     *
     * @param message the message
     * @return the message's id
     * @throws IllegalArgumentException if the topic is not dot-separated words without wildcards
     */
    public long add(OutboxMessage message) {
        requireNonNull(message, "message");
        OutboxMessage stamped = CreationContext.stamp(message);
        long id;
        synchronized (lock) {
            id = nextId++;
            rows.put(id, new Row(new OutboxRecord(id, stamped, clock.instant())));
        }
        listeners.forEach(Runnable::run);
        return id;
    }

    /** @return the store a relay reads; the same instance on every call */
    public OutboxStore store() {
        return store;
    }

    /** Registers a wake-up called on the adding thread after each add; for the relay. */
    void onAdd(Runnable listener) {
        listeners.add(listener);
    }

    void removeListener(Runnable listener) {
        listeners.remove(listener);
    }

    private static final class Row {
        final OutboxRecord record;
        @Nullable Instant sentAt;
        int attempts;
        @Nullable String lastError;
        @Nullable Instant failedAt;

        Row(OutboxRecord record) {
            this.record = record;
        }

        boolean unsent() {
            return sentAt == null && failedAt == null;
        }

        boolean parked() {
            return sentAt == null && failedAt != null;
        }
    }

    private final class Store implements OutboxStore {
        @Override
        public List<OutboxRecord> unsent(int limit) {
            JdbcOutboxStore.requirePositive(limit);
            List<OutboxRecord> result = new ArrayList<>();
            synchronized (lock) {
                for (Row row : rows.values()) {
                    if (result.size() == limit) {
                        break;
                    }
                    if (row.unsent()) {
                        result.add(row.record);
                    }
                }
            }
            return result;
        }

        @Override
        public void markSent(long id, Instant sentAt) {
            requireNonNull(sentAt, "sentAt");
            synchronized (lock) {
                Row row = rows.get(id);
                if (row != null && row.sentAt == null) {
                    // a parked message published by an earlier leader is sent all the same
                    row.sentAt = sentAt;
                }
            }
        }

        @Override
        public int purgeSent(Instant sentBefore, int limit) {
            requireNonNull(sentBefore, "sentBefore");
            JdbcOutboxStore.requirePositive(limit);
            int purged = 0;
            synchronized (lock) {
                for (Iterator<Map.Entry<Long, Row>> it = rows.entrySet().iterator(); it.hasNext() && purged < limit; ) {
                    Instant sent = it.next().getValue().sentAt;
                    if (sent != null && sent.isBefore(sentBefore)) {
                        it.remove();
                        purged++;
                    }
                }
            }
            return purged;
        }

        @Override
        public long backlog() {
            synchronized (lock) {
                return rows.values().stream().filter(Row::unsent).count();
            }
        }

        @Override
        public Optional<Instant> oldestUnsent() {
            synchronized (lock) {
                return rows.values().stream().filter(Row::unsent).findFirst().map(r -> r.record.createdAt());
            }
        }

        @Override
        public int markFailed(long id, String error, Instant failedAt, int maxAttempts) {
            requireNonNull(error, "error");
            requireNonNull(failedAt, "failedAt");
            if (maxAttempts <= 0) {
                throw new IllegalArgumentException("maxAttempts must be positive, was " + maxAttempts);
            }
            synchronized (lock) {
                Row row = rows.get(id);
                if (row == null || !row.unsent()) {
                    return 0;
                }
                row.attempts++;
                row.lastError = error.length() > JdbcOutboxStore.MAX_ERROR_LENGTH
                        ? error.substring(0, JdbcOutboxStore.MAX_ERROR_LENGTH) : error;
                if (row.attempts >= maxAttempts) {
                    row.failedAt = failedAt;
                }
                return row.attempts;
            }
        }

        @Override
        public List<ParkedMessage> parked(int limit) {
            JdbcOutboxStore.requirePositive(limit);
            List<ParkedMessage> result = new ArrayList<>();
            synchronized (lock) {
                for (Row row : rows.values()) {
                    if (result.size() == limit) {
                        break;
                    }
                    if (row.parked()) {
                        result.add(new ParkedMessage(row.record, row.attempts, requireNonNull(row.lastError),
                                requireNonNull(row.failedAt)));
                    }
                }
            }
            return result;
        }

        @Override
        public long parkedCount() {
            synchronized (lock) {
                return rows.values().stream().filter(Row::parked).count();
            }
        }

        @Override
        public int requeueParked() {
            int requeued = 0;
            synchronized (lock) {
                for (Row row : rows.values()) {
                    if (row.parked()) {
                        row.failedAt = null;
                        row.attempts = 0;
                        requeued++;
                    }
                }
            }
            return requeued;
        }
    }
}
