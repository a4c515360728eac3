package dev.chassis.messaging.inbox;

import static java.util.Objects.requireNonNull;

import dev.chassis.core.RetryableException;
import dev.chassis.core.inbox.InboxStore;
import dev.chassis.core.inbox.InboxTransaction;
import dev.chassis.core.inbox.InboxWork;
import java.sql.Connection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;

/**
 * The inbox records in memory, with the same transaction semantics as the JDBC store: a record made
 * in {@link #inTransaction} is visible to others only after the work returned, is dropped when the
 * work throws, and holds a lock on its {@code (consumer, messageId)} while the transaction is open,
 * so a concurrent transaction recording the same pair waits and then sees the outcome. The embedded
 * default; records vanish with the JVM, and {@link InboxTransaction#connection()} is not available.
 *
 * <pre>{@code
 * InboxStore store = InMemoryInboxStore.create();
 * }</pre>
 *
 * <p>Thread-safe and intended to be shared.
 */
public final class InMemoryInboxStore implements InboxStore {
    private final ConcurrentHashMap<Key, Instant> committed = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Key, MemoryTransaction> holders = new ConcurrentHashMap<>();

    private InMemoryInboxStore() {
    }

    /** @return a new, empty store */
    public static InMemoryInboxStore create() {
        return new InMemoryInboxStore();
    }

    @Override
    public <T, X extends Exception> T inTransaction(InboxWork<T, X> work) throws X {
        requireNonNull(work, "work");
        MemoryTransaction tx = new MemoryTransaction();
        boolean done = false;
        try {
            T result = work.apply(tx);
            tx.commit();
            done = true;
            return result;
        } finally {
            if (!done) {
                tx.rollback();
            }
        }
    }

    @Override
    public int purgeOlderThan(Instant cutoff, int batchSize) {
        requireNonNull(cutoff, "cutoff");
        Checks.batchSize(batchSize);
        int deleted = 0;
        for (Iterator<Map.Entry<Key, Instant>> it = committed.entrySet().iterator(); it.hasNext() && deleted < batchSize; ) {
            Map.Entry<Key, Instant> e = it.next();
            if (e.getValue().isBefore(cutoff) && committed.remove(e.getKey(), e.getValue())) {
                deleted++;
            }
        }
        return deleted;
    }

    @Override
    public long count() {
        return committed.size();
    }

    @Override
    public String toString() {
        return "InMemoryInboxStore{records=" + committed.size() + "}";
    }

    private record Key(String consumer, String messageId) {
    }

    private final class MemoryTransaction implements InboxTransaction {
        private final Map<Key, Instant> pending = new LinkedHashMap<>();
        private final CountDownLatch ended = new CountDownLatch(1);
        private volatile boolean open = true;

        @Override
        public boolean record(String consumer, String messageId, Instant receivedAt) {
            Checks.notBlank(consumer, "consumer");
            Checks.notBlank(messageId, "messageId");
            requireNonNull(receivedAt, "receivedAt");
            checkOpen();
            Key key = new Key(consumer, messageId);
            if (pending.containsKey(key)) {
                return false;
            }
            while (true) {
                if (committed.containsKey(key)) {
                    return false;
                }
                MemoryTransaction holder = holders.putIfAbsent(key, this);
                if (holder == null) {
                    // a holder commits before it lets go, so a second look settles a commit in between
                    if (committed.containsKey(key)) {
                        holders.remove(key, this);
                        return false;
                    }
                    pending.put(key, receivedAt);
                    return true;
                }
                holder.awaitEnd();
            }
        }

        @Override
        public Connection connection() {
            throw new IllegalStateException("the in-memory inbox has no database connection; keep the handler's "
                    + "effects in memory, or use Inbox.jdbc(...) for database effects");
        }

        private void checkOpen() {
            if (!open) {
                throw new IllegalStateException("the inbox transaction has ended; record inside the work");
            }
        }

        private void awaitEnd() {
            try {
                ended.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RetryableException("interrupted while waiting for another transaction recording the same "
                        + "message", e);
            }
        }

        void commit() {
            committed.putAll(pending);
            end();
        }

        void rollback() {
            end();
        }

        private void end() {
            open = false;
            List<Key> keys = new ArrayList<>(pending.keySet());
            pending.clear();
            for (Key key : keys) {
                holders.remove(key, this);
            }
            ended.countDown();
        }
    }
}
