package dev.chassis.core.eventsourcing.projection;

import static java.util.Objects.requireNonNull;

import dev.chassis.core.eventsourcing.GlobalPosition;
import java.sql.Connection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Checkpoints in memory, for tests and the embedded defaults. Updates of one projection are
 * serialized by a lock of that projection; a checkpoint is stored only when the work returns.
 * Read models kept in memory are not rolled back when the work throws: the projections must be
 * idempotent, or their effects must come last. Nothing survives the JVM. Thread-safe and intended to
 * be shared.
 *
 * <pre>{@code
 * CheckpointStore checkpoints = InMemoryCheckpointStore.create();
 * }</pre>
 */
public final class InMemoryCheckpointStore implements CheckpointStore {
    private final Map<String, ReentrantLock> locks = new ConcurrentHashMap<>();
    private final Map<String, GlobalPosition> checkpoints = new ConcurrentHashMap<>();

    private InMemoryCheckpointStore() {
    }

    /**
     * An empty store.
     *
     * @return the store
     */
    public static InMemoryCheckpointStore create() {
        return new InMemoryCheckpointStore();
    }

    @Override
    public Optional<GlobalPosition> load(String projection) {
        return Optional.ofNullable(checkpoints.get(Names.check(projection)));
    }

    @Override
    public <X extends Exception> GlobalPosition update(String projection, CheckpointWork<X> work) throws X {
        Names.check(projection);
        requireNonNull(work, "work");
        ReentrantLock lock = locks.computeIfAbsent(projection, p -> new ReentrantLock());
        lock.lock();
        try {
            GlobalPosition stored = checkpoints.getOrDefault(projection, GlobalPosition.START);
            MemoryTransaction tx = new MemoryTransaction();
            GlobalPosition next;
            try {
                next = work.apply(tx, stored);
            } finally {
                tx.ended = true;
            }
            checkpoints.put(projection, Names.checkForward(projection, stored, next));
            return next;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public <X extends Exception> void reset(String projection, ResetWork<X> work) throws X {
        Names.check(projection);
        requireNonNull(work, "work");
        ReentrantLock lock = locks.computeIfAbsent(projection, p -> new ReentrantLock());
        lock.lock();
        try {
            MemoryTransaction tx = new MemoryTransaction();
            try {
                work.apply(tx);
            } finally {
                tx.ended = true;
            }
            checkpoints.put(projection, GlobalPosition.START);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "InMemoryCheckpointStore" + checkpoints;
    }

    private static final class MemoryTransaction implements ProjectionTransaction {
        private boolean ended;

        @Override
        public Connection connection() {
            throw new IllegalStateException(ended
                    ? "the projection transaction has ended; use it inside the work"
                    : "the in-memory checkpoint store has no database connection: keep the read model in memory,"
                            + " or use JdbcCheckpointStore for a read model in the database");
        }
    }
}
