package dev.chassis.messaging.outbox;

/** A sleep that {@link #wake()} ends early, and that remembers a wake arriving before the sleep. Thread-safe. */
final class Waiter {
    private final Object lock = new Object();
    private boolean woken;

    void await(long millis) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        synchronized (lock) {
            while (!woken) {
                long left = (deadline - System.nanoTime()) / 1_000_000L;
                if (left <= 0) {
                    break;
                }
                lock.wait(left);
            }
            woken = false;
        }
    }

    /** @return whether a wake arrived since the last {@link #await} or {@code poll}; forgets it */
    boolean poll() {
        synchronized (lock) {
            boolean was = woken;
            woken = false;
            return was;
        }
    }

    void wake() {
        synchronized (lock) {
            woken = true;
            lock.notifyAll();
        }
    }
}
