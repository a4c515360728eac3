package dev.chassis.messaging;

import dev.chassis.core.NonRetryableException;
import dev.chassis.core.bus.MessageCorrelation;
import dev.chassis.core.bus.MessageMetrics;
import dev.chassis.core.bus.DeadLetter;
import dev.chassis.core.bus.Delivery;
import dev.chassis.core.bus.RetryPolicy;
import dev.chassis.core.bus.Subscription;
import dev.chassis.core.bus.SubscriptionHandle;
import dev.chassis.core.envelope.CloudEventJson;
import dev.chassis.core.envelope.Envelope;
import io.opentelemetry.api.OpenTelemetry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The consumers of one subscription on one in-memory bus: {@code concurrency} worker threads that
 * compete for the queue's messages with every other consumer of the queue.
 */
final class MemoryConsumer implements SubscriptionHandle {
    private static final int MAX_EXCEPTION_MESSAGE = 1000;

    private final InMemoryBroker broker;
    private final MemoryQueue queue;
    private final Subscription subscription;
    private final Duration drainTimeout;
    private final Supplier<OpenTelemetry> telemetry;
    private final Consumer<MemoryConsumer> onClosed;
    private final List<Thread> workers = new ArrayList<>();
    private final Set<InFlight> inFlight = new HashSet<>(); // guarded by queue.lock
    private boolean paused; // guarded by queue.lock
    private boolean closed; // guarded by queue.lock

    /** A delivery being handled; whoever settles it first (the worker or a timed-out close) decides its fate. */
    private static final class InFlight {
        final MemoryMessage message;
        final Thread worker;
        final AtomicBoolean settled = new AtomicBoolean();

        InFlight(MemoryMessage message, Thread worker) {
            this.message = message;
            this.worker = worker;
        }
    }

    MemoryConsumer(InMemoryBroker broker, MemoryQueue queue, Subscription subscription, Duration drainTimeout,
            Supplier<OpenTelemetry> telemetry, Consumer<MemoryConsumer> onClosed) {
        this.broker = broker;
        this.telemetry = telemetry;
        this.queue = queue;
        this.subscription = subscription;
        this.drainTimeout = drainTimeout;
        this.onClosed = onClosed;
    }

    void start() {
        for (int i = 1; i <= subscription.concurrency(); i++) {
            Thread t = new Thread(this::work, "chassis-inmemory-" + queue.name + "-" + i);
            t.setDaemon(true);
            workers.add(t);
        }
        workers.forEach(Thread::start);
    }

    @Override
    public String queue() {
        return queue.name;
    }

    @Override
    public void pause() {
        queue.lock.lock();
        try {
            paused = true;
        } finally {
            queue.lock.unlock();
        }
    }

    @Override
    public void resume() {
        queue.lock.lock();
        try {
            paused = false;
            queue.changed.signalAll();
        } finally {
            queue.lock.unlock();
        }
    }

    @Override
    public boolean isPaused() {
        queue.lock.lock();
        try {
            return paused;
        } finally {
            queue.lock.unlock();
        }
    }

    /** Stops after in-flight deliveries finished, waiting at most the bus's drain timeout. */
    @Override
    public void close() {
        close(System.nanoTime() + drainTimeout.toNanos());
    }

    /**
     * Stops taking deliveries and waits until {@code deadlineNanos} for in-flight ones. Deliveries
     * still running then are abandoned: requeued as redelivered, their outcome ignored, as a broker
     * does when a channel closes with unacknowledged messages.
     */
    void close(long deadlineNanos) {
        queue.lock.lock();
        try {
            closed = true;
            queue.changed.signalAll();
            long remaining = deadlineNanos - System.nanoTime();
            while (othersInFlight() && remaining > 0) {
                remaining = queue.changed.awaitNanos(remaining);
            }
            for (InFlight f : inFlight) {
                if (f.worker != Thread.currentThread() && f.settled.compareAndSet(false, true)) {
                    queue.requeueFirst(f.message.asRedelivered());
                    f.worker.interrupt();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            queue.lock.unlock();
        }
        onClosed.accept(this);
    }

    private boolean othersInFlight() {
        for (InFlight f : inFlight) {
            if (f.worker != Thread.currentThread() && !f.settled.get()) {
                return true;
            }
        }
        return false;
    }

    private void work() {
        while (true) {
            InFlight f = take();
            if (f == null) {
                return;
            }
            try {
                handle(f);
            } finally {
                queue.lock.lock();
                try {
                    inFlight.remove(f);
                    queue.changed.signalAll();
                } finally {
                    queue.lock.unlock();
                }
            }
        }
    }

    private @Nullable InFlight take() {
        queue.lock.lock();
        try {
            while (!closed && !queue.isClosed() && (paused || !queue.hasReady())) {
                try {
                    queue.changed.await();
                } catch (InterruptedException e) {
                    if (closed) {
                        return null;
                    }
                }
            }
            if (closed || queue.isClosed()) {
                return null;
            }
            InFlight f = new InFlight(queue.poll(), Thread.currentThread());
            inFlight.add(f);
            return f;
        } finally {
            queue.lock.unlock();
        }
    }

    private void handle(InFlight f) {
        MemoryMessage m = f.message;
        Envelope envelope;
        try {
            envelope = CloudEventJson.read(m.body());
        } catch (RuntimeException undecodable) {
            if (f.settled.compareAndSet(false, true)) {
                deadLetter(m, null, undecodable);
                MessageMetrics.undecodable(telemetry.get(), InMemoryEventBus.SYSTEM, queue.name, undecodable);
            }
            return;
        }
        Throwable failure = null;
        try {
            MessageCorrelation.invoke(telemetry.get(), InMemoryEventBus.SYSTEM, m.topic(), subscription.handler(),
                    new Delivery(envelope, m.topic(), queue.name, m.attempt(), m.redelivered()));
        } catch (Throwable t) { // a handler's failure must never end the worker
            failure = t;
        }
        if (!f.settled.compareAndSet(false, true) || failure == null) {
            return;
        }
        RetryPolicy retry = subscription.retry();
        if (failure instanceof NonRetryableException || m.attempt() >= retry.maxAttempts()) {
            deadLetter(m, envelope, failure);
            MessageMetrics.deadLettered(telemetry.get(), InMemoryEventBus.SYSTEM, queue.name, failure);
        } else {
            MessageMetrics.retried(telemetry.get(), InMemoryEventBus.SYSTEM, queue.name, failure);
            int next = m.attempt() + 1;
            MemoryMessage again = m.withAttempt(next);
            broker.schedule(() -> queue.enqueue(again), retry.delayBefore(next));
        }
    }

    private void deadLetter(MemoryMessage m, @Nullable Envelope envelope, Throwable failure) {
        String message = failure.getMessage() == null ? "" : failure.getMessage();
        if (message.length() > MAX_EXCEPTION_MESSAGE) {
            message = message.substring(0, MAX_EXCEPTION_MESSAGE);
        }
        queue.deadLetter(new DeadLetter(m.id(), queue.name, m.topic(), envelope, m.body(), m.contentType(),
                failure.getClass().getName(), message, m.attempt(), broker.now()));
    }
}
