package dev.chassis.messaging;

import static java.util.Objects.requireNonNull;

import dev.chassis.core.bus.MessageCorrelation;
import dev.chassis.core.bus.DeadLetters;
import dev.chassis.core.bus.EventBus;
import dev.chassis.core.bus.PublishException;
import dev.chassis.core.bus.Subscription;
import dev.chassis.core.bus.SubscriptionHandle;
import dev.chassis.core.bus.TopicPattern;
import dev.chassis.core.envelope.CloudEventJson;
import dev.chassis.core.envelope.Envelope;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * An {@link EventBus} in the heap of this JVM, with the semantics of the RabbitMQ bus: the embedded
 * default for running several services in one process and for fast tests.
 *
 * <pre>{@code
 * try (InMemoryEventBus bus = InMemoryEventBus.create()) {
 *     bus.subscribe(Subscription.builder("email-service.welcome")
 *             .topic("user.*")
 *             .handler(delivery -> received.add(delivery.envelope()))
 *             .build());
 *     bus.publish("user.created", envelope).toCompletableFuture().join();
 * }
 * }</pre>
 *
 * <ul>
 *   <li>A subscription declares a queue named after it; the queue keeps the messages published to
 *       its patterns while no consumer is attached, until its {@link InMemoryBroker} closes. Publishing
 *       to a topic that no queue is bound to fails with {@link PublishException.Reason#UNROUTABLE}.</li>
 *   <li>Every envelope is written as CloudEvents JSON on publish and read back for each delivery, so
 *       handlers get copies, as from a broker; a body that cannot be read is dead-lettered at once.</li>
 *   <li>One subscription per queue per bus, as the {@link EventBus} contract says; competing consumers
 *       are subscriptions on the same queue from several buses sharing one {@link InMemoryBroker}.</li>
 *   <li>{@code concurrency} worker threads per subscription; {@code prefetch} has no effect, as each
 *       worker takes one message at a time. Retries wait on the broker's timer, not on a worker.</li>
 *   <li>{@link #close()} and {@link SubscriptionHandle#close()} wait for in-flight handlers up to the
 *       {@link Builder#drainTimeout(Duration) drain timeout}; a handler still running then is
 *       abandoned and its message requeued as redelivered.</li>
 * </ul>
 *
 * <p>Instances are thread-safe and intended to be shared.
 */
public final class InMemoryEventBus implements EventBus {
    /** The default time {@link #close()} waits for in-flight handlers. */
    public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(30);
    /** The {@code messaging.system} of its spans: no system of the conventions' list, so a name of our own. */
    static final String SYSTEM = "in_memory";

    private final InMemoryBroker broker;
    private final boolean ownsBroker;
    private final Duration drainTimeout;
    private final @Nullable OpenTelemetry openTelemetry;
    private final Object lock = new Object();
    private final Map<String, MemoryConsumer> open = new HashMap<>(); // guarded by lock
    private boolean closed; // guarded by lock

    private InMemoryEventBus(InMemoryBroker broker, boolean ownsBroker, Duration drainTimeout,
            @Nullable OpenTelemetry openTelemetry) {
        this.broker = broker;
        this.ownsBroker = ownsBroker;
        this.drainTimeout = drainTimeout;
        this.openTelemetry = openTelemetry;
    }

    /**
     * A bus on a broker of its own, with the defaults of {@link InMemoryBroker#create()}; closing the
     * bus drops its queues.
     *
     * @return a new bus
     */
    public static InMemoryEventBus create() {
        return builder().build();
    }

    /**
     * A bus configured by the given function, e.g. {@code create(b -> b.broker(shared))}.
     *
     * @param configure sets options on the builder
     * @return a new bus
     */
    public static InMemoryEventBus create(Consumer<Builder> configure) {
        Builder b = builder();
        requireNonNull(configure, "configure").accept(b);
        return b.build();
    }

    /** @return a builder with the defaults of {@link #create()} */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Publishes an envelope; the stage is already complete when this returns.
     *
     * @throws IllegalArgumentException if the topic is malformed
     */
    @Override
    public CompletionStage<Void> publish(String topic, Envelope envelope) {
        TopicPattern.checkTopic(topic);
        requireNonNull(envelope, "envelope");
        return MessageCorrelation.publish(telemetry(), SYSTEM, topic, topic, envelope, stamped -> {
            byte[] body;
            try {
                body = CloudEventJson.write(stamped);
            } catch (RuntimeException e) {
                return CompletableFuture.failedFuture(e);
            }
            return send(new MemoryMessage(stamped.id(), topic, body, CloudEventJson.CONTENT_TYPE, 1, false));
        });
    }

    /** The configured OpenTelemetry, else the global one, looked up late so it may be registered after the bus is built. */
    OpenTelemetry telemetry() {
        OpenTelemetry configured = openTelemetry;
        return configured != null ? configured : GlobalOpenTelemetry.getOrNoop();
    }

    /** Publishes a raw body as if another producer had sent it; lets tests deliver what no envelope can encode. */
    CompletionStage<Void> publishRaw(String topic, String messageId, byte[] body) {
        TopicPattern.checkTopic(topic);
        return send(new MemoryMessage(messageId, topic, body.clone(), CloudEventJson.CONTENT_TYPE, 1, false));
    }

    private CompletionStage<Void> send(MemoryMessage message) {
        synchronized (lock) {
            if (closed) {
                return CompletableFuture.failedFuture(new PublishException(PublishException.Reason.CLOSED,
                        message.topic(), message.id(), "the bus is closed", null));
            }
        }
        PublishException failure = broker.route(message);
        return failure == null ? CompletableFuture.completedFuture(null) : CompletableFuture.failedFuture(failure);
    }

    /**
     * Declares the subscription's queue on the broker (or adds its patterns to an existing one) and
     * starts {@code concurrency} worker threads.
     *
     * @throws IllegalStateException if this bus is closed or already has an open subscription on the queue
     */
    @Override
    public SubscriptionHandle subscribe(Subscription subscription) {
        requireNonNull(subscription, "subscription");
        String name = subscription.queue();
        MemoryConsumer consumer;
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("cannot subscribe '" + name + "': the bus is closed");
            }
            if (open.containsKey(name)) {
                throw new IllegalStateException("this bus already has an open subscription on queue '" + name
                        + "'; close it first, or subscribe from another bus on the same InMemoryBroker to add a "
                        + "competing consumer");
            }
            MemoryQueue queue = broker.declare(name, subscription.topics());
            consumer = new MemoryConsumer(broker, queue, subscription, drainTimeout, this::telemetry, this::forget);
            open.put(name, consumer);
        }
        consumer.start();
        return new Handle(consumer);
    }

    /** Forgets a closed consumer, but not a later one on the same queue. */
    private void forget(MemoryConsumer consumer) {
        synchronized (lock) {
            open.remove(consumer.queue(), consumer);
        }
    }

    /**
     * The dead letters of the broker's queues, the same for every bus on the broker.
     *
     * @return the dead-letter operations
     */
    @Override
    public DeadLetters deadLetters() {
        return broker.deadLetters();
    }

    /**
     * Stops every subscription, waiting for in-flight handlers up to the drain timeout in all; closes
     * the broker too if {@link #create()} made it. Idempotent.
     */
    @Override
    public void close() {
        List<MemoryConsumer> consumers;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            consumers = new ArrayList<>(open.values());
        }
        long deadline = System.nanoTime() + drainTimeout.toNanos();
        consumers.forEach(c -> c.close(deadline));
        if (ownsBroker) {
            broker.close();
        }
    }

    /** The handle given out; closing it twice or after the bus is harmless. */
    private static final class Handle implements SubscriptionHandle {
        private final MemoryConsumer consumer;

        Handle(MemoryConsumer consumer) {
            this.consumer = consumer;
        }

        @Override
        public String queue() {
            return consumer.queue();
        }

        @Override
        public void pause() {
            consumer.pause();
        }

        @Override
        public void resume() {
            consumer.resume();
        }

        @Override
        public boolean isPaused() {
            return consumer.isPaused();
        }

        @Override
        public void close() {
            consumer.close();
        }
    }

    /** Builds an {@link InMemoryEventBus}. Not thread-safe. */
    public static final class Builder {
        private @Nullable InMemoryBroker broker;
        private final InMemoryBroker.Builder brokerOptions = InMemoryBroker.builder();
        private boolean brokerOptionsSet;
        private Duration drainTimeout = DEFAULT_DRAIN_TIMEOUT;
        private @Nullable OpenTelemetry openTelemetry;

        private Builder() {
        }

        /**
         * @param broker a broker shared with other buses; the bus does not close it. Default: a broker
         *     of the bus's own, closed with it.
         * @return this builder
         */
        public Builder broker(InMemoryBroker broker) {
            this.broker = requireNonNull(broker, "broker");
            return this;
        }

        /**
         * @param clock the clock for dead-letter timestamps of the bus's own broker
         * @return this builder
         */
        public Builder clock(Clock clock) {
            brokerOptions.clock(clock);
            brokerOptionsSet = true;
            return this;
        }

        /**
         * @param maxQueueLength the most ready messages per queue of the bus's own broker; default
         *     {@value InMemoryBroker#DEFAULT_MAX_QUEUE_LENGTH}
         * @return this builder
         */
        public Builder maxQueueLength(int maxQueueLength) {
            brokerOptions.maxQueueLength(maxQueueLength);
            brokerOptionsSet = true;
            return this;
        }

        /**
         * @param scheduler the executor holding retries back, for the bus's own broker; not shut down by it
         * @return this builder
         */
        public Builder scheduler(ScheduledExecutorService scheduler) {
            brokerOptions.scheduler(scheduler);
            brokerOptionsSet = true;
            return this;
        }

        /**
         * @param drainTimeout how long closing waits for in-flight handlers, zero or more; default 30 s
         * @return this builder
         */
        public Builder drainTimeout(Duration drainTimeout) {
            requireNonNull(drainTimeout, "drainTimeout");
            if (drainTimeout.isNegative()) {
                throw new IllegalArgumentException("drainTimeout must not be negative, was " + drainTimeout);
            }
            this.drainTimeout = drainTimeout;
            return this;
        }

        /**
         * @param openTelemetry where the {@code publish <topic>} and {@code process <queue>} spans go
         *     ({@code messaging.system} {@code in_memory}); default {@code GlobalOpenTelemetry.getOrNoop()}
         *     at each use (a no-op unless one is registered), {@code OpenTelemetry.noop()} for none
         * @return this builder
         */
        public Builder openTelemetry(OpenTelemetry openTelemetry) {
            this.openTelemetry = requireNonNull(openTelemetry, "openTelemetry");
            return this;
        }

        /**
         * @return the bus
         * @throws IllegalStateException if both a shared broker and broker options were given
         */
        public InMemoryEventBus build() {
            if (broker != null) {
                if (brokerOptionsSet) {
                    throw new IllegalStateException("clock, maxQueueLength and scheduler belong to the broker: "
                            + "set them on InMemoryBroker.builder() instead of on a bus with a shared broker");
                }
                return new InMemoryEventBus(broker, false, drainTimeout, openTelemetry);
            }
            return new InMemoryEventBus(brokerOptions.build(), true, drainTimeout, openTelemetry);
        }
    }
}
