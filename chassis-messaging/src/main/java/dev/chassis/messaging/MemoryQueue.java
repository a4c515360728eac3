package dev.chassis.messaging;

import dev.chassis.core.bus.DeadLetter;
import dev.chassis.core.bus.TopicPattern;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A named queue of an {@link InMemoryBroker}: its bindings, its ready messages and its dead letters.
 * Consumers of the queue wait on {@link #changed} under {@link #lock}.
 */
final class MemoryQueue {
    final String name;
    final ReentrantLock lock = new ReentrantLock();
    /** Signalled whenever a message arrives, a consumer's state changes or an in-flight delivery ends. */
    final Condition changed = lock.newCondition();

    /** Bindings are only added, as on a broker: a later subscribe with other patterns adds to them. */
    private final Set<TopicPattern> bindings = new CopyOnWriteArraySet<>();
    private final ArrayDeque<MemoryMessage> ready = new ArrayDeque<>(); // guarded by lock
    private final List<DeadLetter> deadLetters = new ArrayList<>(); // guarded by lock
    private boolean closed; // guarded by lock

    MemoryQueue(String name) {
        this.name = name;
    }

    void bind(List<TopicPattern> patterns) {
        bindings.addAll(patterns);
    }

    boolean routes(String topic) {
        for (TopicPattern p : bindings) {
            if (p.matches(topic)) {
                return true;
            }
        }
        return false;
    }

    int readyCount() {
        lock.lock();
        try {
            return ready.size();
        } finally {
            lock.unlock();
        }
    }

    void enqueue(MemoryMessage message) {
        lock.lock();
        try {
            if (!closed) {
                ready.addLast(message);
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Puts back a delivery that was abandoned, at the head, as a broker requeues an unacknowledged message. */
    void requeueFirst(MemoryMessage message) {
        lock.lock();
        try {
            if (!closed) {
                ready.addFirst(message);
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Call with {@link #lock} held. */
    boolean hasReady() {
        return !ready.isEmpty();
    }

    /** Call with {@link #lock} held. */
    MemoryMessage poll() {
        return ready.removeFirst();
    }

    /** Call with {@link #lock} held. */
    boolean isClosed() {
        return closed;
    }

    void close() {
        lock.lock();
        try {
            closed = true;
            ready.clear();
            deadLetters.clear();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    void deadLetter(DeadLetter letter) {
        lock.lock();
        try {
            if (!closed) {
                deadLetters.add(letter);
            }
        } finally {
            lock.unlock();
        }
    }

    long deadLetterCount() {
        lock.lock();
        try {
            return deadLetters.size();
        } finally {
            lock.unlock();
        }
    }

    List<DeadLetter> peekDeadLetters(int limit) {
        lock.lock();
        try {
            return List.copyOf(deadLetters.subList(0, Math.min(limit, deadLetters.size())));
        } finally {
            lock.unlock();
        }
    }

    boolean redrive(String messageId) {
        lock.lock();
        try {
            for (Iterator<DeadLetter> it = deadLetters.iterator(); it.hasNext(); ) {
                DeadLetter letter = it.next();
                if (letter.messageId().equals(messageId)) {
                    it.remove();
                    enqueue(fresh(letter));
                    return true;
                }
            }
            return false;
        } finally {
            lock.unlock();
        }
    }

    long redriveAll() {
        lock.lock();
        try {
            long n = deadLetters.size();
            for (DeadLetter letter : deadLetters) {
                enqueue(fresh(letter));
            }
            deadLetters.clear();
            return n;
        } finally {
            lock.unlock();
        }
    }

    private static MemoryMessage fresh(DeadLetter letter) {
        return new MemoryMessage(letter.messageId(), letter.topic(), letter.body(), letter.contentType(), 1, false);
    }
}
