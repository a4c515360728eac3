package dev.chassis.messaging.outbox;

import dev.chassis.core.outbox.OutboxRecord;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What a relay needs besides the store: whether it may relay now (leadership), reading the unsent
 * rows as the leader, and a way to sleep until new messages are committed or a timeout passes.
 * Called from the relay's one worker thread; {@link #wakeUp()} and {@link #close()} from any thread.
 */
interface Coordination {
    /**
     * Becomes or stays the leader, if possible.
     *
     * @return whether this relay leads now
     */
    boolean lead();

    /**
     * Reads committed unsent rows, in id order, if this relay still leads, in a way that shows it:
     * on PostgreSQL the read runs on the session that holds the leader lock, so a read that returns
     * rows was made while the lock was held, and a relay that lost its session reads nothing.
     *
     * @param limit the most rows to return
     * @param excluding ids to leave out (rows already in flight)
     * @return the rows, or empty if this relay no longer leads
     */
    Optional<List<OutboxRecord>> readUnsent(int limit, Set<Long> excluding);

    /** @return whether the last {@link #lead()} succeeded and nothing since showed it lost */
    boolean isLeader();

    /**
     * Waits until new messages may be there (work not yet taken by {@link #workArrived()}), a
     * {@link #wakeUp()}, or the timeout passed. The work stays for {@link #workArrived()}; a wake-up is used up.
     *
     * @param millis the longest wait
     * @throws InterruptedException if interrupted
     */
    void awaitWork(long millis) throws InterruptedException;

    /**
     * Takes the work: tells, without waiting, whether new messages may have been committed since
     * the last call. Where that cannot be known (no notifications), answers {@code true}.
     *
     * @return whether to read again
     */
    boolean workArrived();

    /** Ends a running {@link #awaitWork(long)} early, or the next one if none is running. */
    void wakeUp();

    /** Gives up leadership and releases connections. */
    void close();
}
