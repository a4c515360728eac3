package dev.chassis.examples.support;

import static java.util.Objects.requireNonNull;

import dev.chassis.core.bus.Subscription;
import dev.chassis.core.bus.SubscriptionHandle;
import dev.chassis.core.jdbc.TxRunner;
import dev.chassis.core.lifecycle.LifecycleComponent;
import dev.chassis.core.lifecycle.ShutdownPhase;
import dev.chassis.messaging.inbox.Inbox;
import dev.chassis.messaging.inbox.InboxSchema;
import dev.chassis.messaging.inbox.JdbcInboxStore;
import dev.chassis.messaging.outbox.Outbox;
import dev.chassis.messaging.outbox.OutboxRelay;
import dev.chassis.messaging.outbox.OutboxSchema;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The messaging parts of a service, in its own schema and wired into its lifecycle: the transactional
 * outbox with its relay, the inbox, and subscriptions that start with the service and drain on
 * shutdown. Static methods only, called during {@link ServiceDefinition#wire}.
 *
 * <pre>{@code
 * Outbox outbox = ServiceMessaging.outbox(context);
 * Inbox inbox = ServiceMessaging.inbox(context, "email-service.welcome");
 * ServiceMessaging.subscribe(context, Subscription.builder("email-service.user-created")
 *         .topic("user.created")
 *         .handler(inbox.handler((delivery, tx) -> send(tx, delivery.envelope())))
 *         .build());
 * }</pre>
 */
public final class ServiceMessaging {
    /** How old the oldest unsent outbox row may grow before the service reports not ready. */
    public static final Duration OUTBOX_MAX_AGE = Duration.ofMinutes(5);

    private ServiceMessaging() {}

    /**
     * Creates the outbox table in the service's schema and a relay publishing its rows to the service's
     * bus: started with the service, closed after its HTTP server; its backlog is a readiness check and
     * its routes are under {@code /chassis/outbox}.
     *
     * @param context the service being wired
     * @return the outbox to add messages to in the service's transactions
     */
    public static Outbox outbox(ServiceContext context) {
        requireNonNull(context, "context");
        OutboxSchema schema = OutboxSchema.of(context.schema());
        schema.create(context.dataSource());
        OutboxRelay relay = OutboxRelay.builder()
                .dataSource(context.dataSource())
                .schema(schema)
                .eventBus(context.bus())
                .name(context.name() + "-outbox")
                .pollInterval(Duration.ofMillis(500))
                .clock(context.clock())
                .build();
        context.component(LifecycleComponent.of("outbox-relay", relay::start, relay::close));
        context.healthCheck(relay.readinessCheck(OUTBOX_MAX_AGE));
        relay.adminRoutes().forEach(context::route);
        return Outbox.create(b -> b.schema(schema).clock(context.clock()));
    }

    /**
     * Creates the inbox table in the service's schema and an inbox for one consumer.
     *
     * @param context the service being wired
     * @param consumer the consumer's name, usually its queue's, e.g. {@code email-service.user-created}
     * @return the inbox
     */
    public static Inbox inbox(ServiceContext context, String consumer) {
        requireNonNull(context, "context");
        requireNonNull(consumer, "consumer");
        InboxSchema.create(context.dataSource(), context.schema());
        return Inbox.of(JdbcInboxStore.of(TxRunner.of(context.dataSource()), context.schema()), consumer,
                context.clock());
    }

    /**
     * Subscribes when the service starts and stops consuming in the {@link ShutdownPhase#DRAIN} phase,
     * after deliveries in progress finished.
     *
     * @param context the service being wired
     * @param subscription the subscription
     */
    public static void subscribe(ServiceContext context, Subscription subscription) {
        requireNonNull(context, "context");
        requireNonNull(subscription, "subscription");
        AtomicReference<SubscriptionHandle> handle = new AtomicReference<>();
        Runnable close = () -> {
            SubscriptionHandle h = handle.getAndSet(null);
            if (h != null) {
                h.close();
            }
        };
        String name = "subscription " + subscription.queue();
        context.component(LifecycleComponent.of(name,
                () -> handle.set(context.bus().subscribe(subscription)), close::run));
        context.onShutdown(ShutdownPhase.DRAIN, name, close::run);
    }
}
