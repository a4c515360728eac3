package dev.chassis.messaging.outbox;

/**
 * What a relay sleeps on, and what ends the sleep: work (a commit was notified), kept until the
 * relay {@linkplain #takeWork() takes it}, and wake-ups (a publish settled, the relay is stopping),
 * forgotten once a sleep ended. Either one arriving before the sleep ends it at once. Thread-safe.
 */
final class Waiter {
    private final Object lock = new Object();
    private boolean work;
    private boolean woken;

    /**
     * Sleeps until there is work, a wake-up or the timeout passed.
     *
     * @param millis the longest sleep
     * @throws InterruptedException if interrupted
     */
    void await(long millis) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        synchronized (lock) {
            while (!work && !woken) {
                long left = (deadline - System.nanoTime()) / 1_000_000L;
                if (left <= 0) {
                    break;
                }
                lock.wait(left);
            }
            woken = false;
        }
    }

    /** Records that new messages may be there, and ends a sleep. */
    void addWork() {
        synchronized (lock) {
            work = true;
            lock.notifyAll();
        }
    }

    /** @return whether work was recorded since the last call; forgets it */
    boolean takeWork() {
        synchronized (lock) {
            boolean was = work;
            work = false;
            return was;
        }
    }

    /** Ends a sleep, or the next one if none is running. */
    void wake() {
        synchronized (lock) {
            woken = true;
            lock.notifyAll();
        }
    }
}
