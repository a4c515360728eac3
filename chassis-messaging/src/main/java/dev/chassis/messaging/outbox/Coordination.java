package dev.chassis.messaging.outbox;

/**
 * What a relay needs besides the store: whether it may relay now (leadership), and a way to sleep
 * until new messages are committed or a timeout passes. Called from the relay's one worker thread;
 * {@link #wakeUp()} and {@link #close()} from any thread.
 */
interface Coordination {
    /**
     * Becomes or stays the leader, if possible.
     *
     * @return whether this relay leads now
     */
    boolean lead();

    /**
     * Checks, before each publish, that the leadership is still held (on PostgreSQL: that the lock's
     * session is alive), so a relay that lost it stops within one message.
     *
     * @return whether this relay still leads
     */
    boolean stillLeads();

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
