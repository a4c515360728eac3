package dev.chassis.messaging.saga;

import static java.util.Objects.requireNonNull;

import dev.chassis.core.NonRetryableException;
import dev.chassis.core.bus.EventBus;
import dev.chassis.core.bus.EventHandler;
import dev.chassis.core.bus.RetryPolicy;
import dev.chassis.core.bus.Subscription;
import dev.chassis.core.bus.SubscriptionHandle;
import dev.chassis.core.envelope.Envelope;
import dev.chassis.core.inbox.InboxStore;
import dev.chassis.core.saga.SagaEnvelopes;
import dev.chassis.core.saga.SagaOrchestrator;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.jspecify.annotations.Nullable;

/**
 * Wires sagas to an {@link EventBus}: the orchestrator's side ({@link #subscribeReplies}) and the
 * participants' side ({@link #participant}). Stateless.
 *
 * <pre>{@code
 * // the order service: replies of every participant reach the orchestrator
 * SagaMessaging.subscribeReplies(bus, orchestrator, "order-service.saga-replies", "order-saga.reply");
 * // the inventory service: acts once per idempotency key, answers every delivery
 * bus.subscribe(Subscription.builder("inventory.saga-commands")
 *         .topic("inventory.*")
 *         .handler(SagaMessaging.participant(inboxStore, "inventory.saga-commands", bus, "order-saga.reply", reserve))
 *         .build());
 * }</pre>
 */
public final class SagaMessaging {
    /**
     * The retry policy of {@link #subscribeReplies}: 10 attempts from 250 ms, doubling, at most 5
     * seconds apart. A reply that reaches an instance while another holds its saga's lease is retried
     * this way ({@link dev.chassis.core.saga.SagaBusyException}); one that still fails is
     * dead-lettered, and the step's timeout resends the command.
     */
    public static final RetryPolicy REPLY_RETRY = RetryPolicy.builder().maxAttempts(10)
            .initialDelay(Duration.ofMillis(250)).multiplier(2.0).maxDelay(Duration.ofSeconds(5)).build();

    private SagaMessaging() {
    }

    /**
     * Subscribes the orchestrator to its participants' replies: a durable queue bound to the reply
     * topics, whose handler is {@link #replyHandler}, 4 deliveries at a time, retried with
     * {@link #REPLY_RETRY}. Every instance of the service subscribes with the same queue name, so
     * the instances share the replies; the saga leases decide which instance applies one.
     *
     * @param bus the bus the participants reply on
     * @param orchestrator the orchestrator
     * @param queue the durable queue, e.g. {@code order-service.saga-replies}
     * @param topics the reply topic patterns, at least one
     * @return the handle; close it before stopping the orchestrator
     * @throws IllegalArgumentException if no topic is given or one is malformed
     */
    public static SubscriptionHandle subscribeReplies(EventBus bus, SagaOrchestrator orchestrator, String queue,
            String... topics) {
        requireNonNull(bus, "bus");
        requireNonNull(queue, "queue");
        requireNonNull(topics, "topics");
        if (topics.length == 0) {
            throw new IllegalArgumentException("subscribeReplies needs at least one reply topic for queue '" + queue + "'");
        }
        return bus.subscribe(Subscription.builder(queue).topics(topics).handler(replyHandler(orchestrator))
                .concurrency(4).retry(REPLY_RETRY).build());
    }

    /**
     * A bus handler applying each delivered reply with {@link SagaOrchestrator#onReply}. Ignored
     * replies (late, duplicate, unknown) are acknowledged; a busy saga throws the retryable
     * {@link dev.chassis.core.saga.SagaBusyException}, so the bus redelivers the reply.
     *
     * @param orchestrator the orchestrator
     * @return the handler, for a subscription of one's own making
     */
    public static EventHandler replyHandler(SagaOrchestrator orchestrator) {
        requireNonNull(orchestrator, "orchestrator");
        return delivery -> orchestrator.onReply(delivery.envelope());
    }

    /**
     * A bus handler for a saga participant. For each delivered command it runs, in one transaction
     * of the inbox store, {@code record(consumer, idempotencyKey)} and the handler (told whether the
     * key was new); after the commit it publishes the handler's reply to {@code replyTopic} and waits
     * for the broker's confirm. The record is keyed by the command's idempotency key, not its
     * envelope id, so a command resent after a timeout (same key, new id) has no second effect. A
     * failed publish throws, the bus redelivers the command, and the handler answers again without
     * acting. Records are stamped with the system UTC clock.
     *
     * @param store the inbox store, on the participant's database
     * @param consumer the stable consumer name the keys are recorded under, e.g. the queue name
     * @param bus the bus to reply on
     * @param replyTopic the topic replies are published to
     * @param handler the participant's effect and reply
     * @return the handler
     * @throws NonRetryableException (from the handler) for an envelope that is not a saga command
     */
    public static EventHandler participant(InboxStore store, String consumer, EventBus bus, String replyTopic,
            SagaParticipantHandler handler) {
        requireNonNull(store, "store");
        requireNonNull(consumer, "consumer");
        requireNonNull(bus, "bus");
        requireNonNull(replyTopic, "replyTopic");
        requireNonNull(handler, "handler");
        Clock clock = Clock.systemUTC();
        return delivery -> {
            Envelope command = delivery.envelope();
            String key = SagaEnvelopes.idempotencyKey(command).orElseThrow(() -> new NonRetryableException(
                    "envelope " + command.id() + " of type " + command.type() + " on queue " + delivery.queue()
                            + " is not a saga command: it has no '" + SagaEnvelopes.SAGA_KEY + "' extension"));
            @Nullable Envelope reply = store.inTransaction(tx -> handler.handle(command, tx,
                    tx.record(consumer, key, clock.instant())));
            if (reply != null) {
                publish(bus, replyTopic, reply);
            }
        };
    }

    private static void publish(EventBus bus, String topic, Envelope reply) throws Exception {
        try {
            bus.publish(topic, reply).toCompletableFuture().get();
        } catch (ExecutionException | CompletionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof Exception x ? x : e;
        }
    }
}
