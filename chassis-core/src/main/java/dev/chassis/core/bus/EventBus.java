package dev.chassis.core.bus;

import dev.chassis.core.envelope.Envelope;
import java.util.concurrent.CompletionStage;

/**
 * Publishes envelopes to topics and delivers them to subscriptions, at least once.
 *
 * <p>A topic is a dot-separated routing key such as {@code user.created}; a {@link Subscription}
 * binds a named, durable queue to topic patterns, where {@code *} matches exactly one word and
 * {@code #} matches zero or more words, as in AMQP topic exchanges. Every subscription with a
 * matching pattern gets its own copy of an envelope; consumers of the same queue compete for its
 * messages. A bus has at most one open subscription per queue, so competing consumers are
 * subscriptions on several buses of one broker, in this process or another.
 *
 * <p>Implementations: {@code RabbitEventBus} and {@code InMemoryEventBus} in {@code chassis-messaging},
 * with the same semantics (checked by the testkit's {@code EventBusCompatibilityKit}). Instances are
 * thread-safe and intended to be shared; {@link #close()} stops all subscriptions.
 *
 * <pre>{@code
 * bus.subscribe(Subscription.builder("email-service.welcome")
 *         .topic("user.created")
 *         .handler(delivery -> mailer.sendWelcome(delivery.envelope().dataAs(UserCreated.class)))
 *         .build());
 * bus.publish("user.created", envelope).toCompletableFuture().join();
 * }</pre>
 */
public interface EventBus extends AutoCloseable {
    /**
     * Publishes an envelope to a topic.
     *
     * <p>The stage completes normally only once the broker has taken responsibility for the message
     * (it confirmed it) <em>and</em> routed it to at least one queue. It completes exceptionally with a
     * {@link PublishException} otherwise: unroutable, refused by the broker, not confirmed in time, or
     * the connection was lost before the confirm. A failed publish may still have been delivered (the
     * confirm can be lost after the broker acted), so consumers must tolerate duplicates.
     *
     * @param topic a routing key of dot-separated words, without {@code *} or {@code #}
     * @param envelope the envelope
     * @return a stage completing when the message is confirmed and routed
     * @throws IllegalArgumentException if the topic is malformed (thrown directly, not through the stage)
     */
    CompletionStage<Void> publish(String topic, Envelope envelope);

    /**
     * Starts consuming for a subscription, declaring its queue, bindings, retry and dead-letter
     * topology first.
     *
     * @param subscription what to consume and how
     * @return a handle to pause, resume or close the consumers
     * @throws IllegalStateException if this bus already has an open subscription on the same queue
     * @throws dev.chassis.core.ChassisException if the topology cannot be declared or verified
     */
    SubscriptionHandle subscribe(Subscription subscription);

    /**
     * The dead-lettered messages of this bus's subscriptions: list, peek and redrive.
     *
     * @return the dead-letter operations
     */
    DeadLetters deadLetters();

    /**
     * Stops every subscription (in-flight handlers finish first) and releases connections.
     * Publishing after close fails. Idempotent.
     */
    @Override
    void close();
}
