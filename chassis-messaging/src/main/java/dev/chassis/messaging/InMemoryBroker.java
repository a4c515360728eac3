package dev.chassis.messaging;

import static java.util.Objects.requireNonNull;

import dev.chassis.core.bus.DeadLetter;
import dev.chassis.core.bus.DeadLetters;
import dev.chassis.core.bus.PublishException;
import dev.chassis.core.bus.TopicPattern;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The queues behind one or more {@link InMemoryEventBus}es: what a RabbitMQ broker is to its
 * connections. Several buses on one broker behave like several connections to one RabbitMQ broker:
 * consumers of the same queue on different buses compete for its messages, and a queue and its dead
 * letters outlive the bus that declared them.
 *
 * <p>{@link InMemoryEventBus#create()} makes a private broker per bus; share one explicitly when
 * several modules of one process should talk to each other as separate services would:
 *
 * <pre>{@code
 * InMemoryBroker broker = InMemoryBroker.create();
 * InMemoryEventBus users = InMemoryEventBus.builder().broker(broker).build();
 * InMemoryEventBus emails = InMemoryEventBus.builder().broker(broker).build();
 * }</pre>
 *
 * <p>Everything lives in the heap: messages are lost when the broker is closed or the JVM stops.
 * Each queue holds at most {@link Builder#maxQueueLength(int) maxQueueLength} ready messages; a
 * publish that would exceed it fails with {@link PublishException.Reason#NACKED}, as RabbitMQ's
 * {@code reject-publish} overflow does. Instances are thread-safe and intended to be shared;
 * {@link #close()} drops every queue.
 */
public final class InMemoryBroker implements AutoCloseable {
    /** The default largest number of ready messages per queue. */
    public static final int DEFAULT_MAX_QUEUE_LENGTH = 100_000;

    private final Object lock = new Object();
    private final Map<String, MemoryQueue> queues = new LinkedHashMap<>(); // guarded by lock
    private final Clock clock;
    private final int maxQueueLength;
    private final ScheduledExecutorService scheduler;
    private final boolean ownsScheduler;
    private final DeadLetters deadLetters = new BrokerDeadLetters();
    private boolean closed; // guarded by lock

    private InMemoryBroker(Builder b) {
        this.clock = b.clock;
        this.maxQueueLength = b.maxQueueLength;
        if (b.scheduler == null) {
            ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
                Thread t = new Thread(r, "chassis-inmemory-retry");
                t.setDaemon(true);
                return t;
            });
            timer.setRemoveOnCancelPolicy(true);
            timer.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
            this.scheduler = timer;
            this.ownsScheduler = true;
        } else {
            this.scheduler = b.scheduler;
            this.ownsScheduler = false;
        }
    }

    /**
     * A broker with the system UTC clock, {@value #DEFAULT_MAX_QUEUE_LENGTH} messages per queue and
     * its own retry timer thread.
     *
     * @return a new broker
     */
    public static InMemoryBroker create() {
        return builder().build();
    }

    /** @return a builder with the defaults of {@link #create()} */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Drops every queue with its messages and dead letters, and stops the retry timer if the broker
     * made it. Buses on this broker then fail to publish with {@link PublishException.Reason#CLOSED}
     * and their consumers stop. Idempotent.
     */
    @Override
    public void close() {
        List<MemoryQueue> dropped;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            dropped = new ArrayList<>(queues.values());
            queues.clear();
        }
        dropped.forEach(MemoryQueue::close);
        if (ownsScheduler) {
            scheduler.shutdownNow();
        }
    }

    boolean isClosed() {
        synchronized (lock) {
            return closed;
        }
    }

    /** Declares a queue, or adds bindings to an existing one. */
    MemoryQueue declare(String name, List<TopicPattern> patterns) {
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("the in-memory broker is closed");
            }
            MemoryQueue queue = queues.computeIfAbsent(name, MemoryQueue::new);
            queue.bind(patterns);
            return queue;
        }
    }

    /**
     * Routes a message to every queue bound to its topic, or to none.
     *
     * @return {@code null} on success, else the failure
     */
    @Nullable PublishException route(MemoryMessage message) {
        synchronized (lock) {
            if (closed) {
                return new PublishException(PublishException.Reason.CLOSED, message.topic(), message.id(),
                        "the in-memory broker is closed", null);
            }
            List<MemoryQueue> targets = new ArrayList<>();
            for (MemoryQueue q : queues.values()) {
                if (q.routes(message.topic())) {
                    targets.add(q);
                }
            }
            if (targets.isEmpty()) {
                return new PublishException(PublishException.Reason.UNROUTABLE, message.topic(), message.id(),
                        "no queue is bound to the topic", null);
            }
            for (MemoryQueue q : targets) {
                if (q.readyCount() >= maxQueueLength) {
                    return new PublishException(PublishException.Reason.NACKED, message.topic(), message.id(),
                            "queue '" + q.name + "' is full: " + maxQueueLength + " ready messages (maxQueueLength)",
                            null);
                }
            }
            targets.forEach(q -> q.enqueue(message));
            return null;
        }
    }

    /** Runs a task after a delay on the retry timer; dropped if the broker is closed by then. */
    void schedule(Runnable task, Duration delay) {
        try {
            scheduler.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // the broker or the caller's scheduler is shut down: in-memory messages go with it
        }
    }

    Instant now() {
        return clock.instant();
    }

    DeadLetters deadLetters() {
        return deadLetters;
    }

    private @Nullable MemoryQueue queue(String name) {
        requireNonNull(name, "queue");
        synchronized (lock) {
            return queues.get(name);
        }
    }

    /** The dead letters of every queue of this broker. */
    private final class BrokerDeadLetters implements DeadLetters {
        @Override
        public long count(String queue) {
            MemoryQueue q = queue(queue);
            return q == null ? 0 : q.deadLetterCount();
        }

        @Override
        public List<DeadLetter> peek(String queue, int limit) {
            if (limit < 1 || limit > 1000) {
                throw new IllegalArgumentException("limit must be 1..1000, was " + limit);
            }
            MemoryQueue q = queue(queue);
            return q == null ? List.of() : q.peekDeadLetters(limit);
        }

        @Override
        public long redriveAll(String queue) {
            MemoryQueue q = queue(queue);
            return q == null ? 0 : q.redriveAll();
        }

        @Override
        public boolean redrive(String queue, String messageId) {
            requireNonNull(messageId, "messageId");
            MemoryQueue q = queue(queue);
            return q != null && q.redrive(messageId);
        }
    }

    /** Builds an {@link InMemoryBroker}. Not thread-safe. */
    public static final class Builder {
        private Clock clock = Clock.systemUTC();
        private int maxQueueLength = DEFAULT_MAX_QUEUE_LENGTH;
        private @Nullable ScheduledExecutorService scheduler;

        private Builder() {
        }

        /**
         * @param clock the clock for dead-letter timestamps; default the system UTC clock
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = requireNonNull(clock, "clock");
            return this;
        }

        /**
         * @param maxQueueLength the most ready messages a queue holds, 1 or more; default
         *     {@value InMemoryBroker#DEFAULT_MAX_QUEUE_LENGTH}. Retries and redrives are not refused.
         * @return this builder
         * @throws IllegalArgumentException if not positive
         */
        public Builder maxQueueLength(int maxQueueLength) {
            if (maxQueueLength < 1) {
                throw new IllegalArgumentException("maxQueueLength must be >= 1, was " + maxQueueLength);
            }
            this.maxQueueLength = maxQueueLength;
            return this;
        }

        /**
         * @param scheduler the executor that holds retries back for their backoff delay; the broker
         *     does not shut it down. Default: a daemon thread of the broker's own.
         * @return this builder
         */
        public Builder scheduler(ScheduledExecutorService scheduler) {
            this.scheduler = requireNonNull(scheduler, "scheduler");
            return this;
        }

        /** @return the broker */
        public InMemoryBroker build() {
            return new InMemoryBroker(this);
        }
    }
}
