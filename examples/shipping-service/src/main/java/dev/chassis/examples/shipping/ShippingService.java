package dev.chassis.examples.shipping;

import dev.chassis.core.bus.Subscription;
import dev.chassis.core.jdbc.TxRunner;
import dev.chassis.examples.support.ApiException;
import dev.chassis.examples.support.JsonApi;
import dev.chassis.examples.support.ServiceContext;
import dev.chassis.examples.support.ServiceDefinition;
import dev.chassis.examples.support.ServiceMessaging;
import dev.chassis.messaging.inbox.InboxSchema;
import dev.chassis.messaging.inbox.JdbcInboxStore;
import dev.chassis.messaging.saga.SagaMessaging;

/**
 * The shipping service: a participant of the order saga, subscribed to {@code shipping.*} commands
 * on the queue {@code <name>.saga-commands}, answering on {@value #REPLY_TOPIC}. Its HTTP API:
 * {@code GET /shipments/{orderId}}, 404 if the order was never scheduled.
 *
 * <pre>{@code
 * RunningService shipping = ServiceHost.start(new ShippingService(), dependencies);
 * }</pre>
 *
 * <p>Stateless and thread-safe; each {@link #wire} makes a new set of parts.
 */
public final class ShippingService implements ServiceDefinition {
    /** The service's name. */
    public static final String NAME = "shipping-service";
    /** The topic replies go to: the order saga's. */
    public static final String REPLY_TOPIC = "order-saga.reply";

    /** The service with its defaults. */
    public ShippingService() {
    }

    @Override
    public String name() {
        return NAME;
    }

    /**
     * Creates the table and the inbox, subscribes the saga participant as a component, and adds the route.
     *
     * @param context the service's dependencies
     */
    @Override
    public void wire(ServiceContext context) {
        Shipments shipments = Shipments.create(context.dataSource(), context.schema(), context.clock());
        shipments.createTables();
        InboxSchema.create(context.dataSource(), context.schema());
        String queue = context.name() + ".saga-commands";
        Subscription commands = Subscription.builder(queue)
                .topic("shipping.*")
                .concurrency(4)
                .handler(SagaMessaging.participant(JdbcInboxStore.of(TxRunner.of(context.dataSource()), context.schema()),
                        queue, context.bus(), REPLY_TOPIC, new ShippingParticipant(shipments)))
                .build();
        ServiceMessaging.subscribe(context, commands);

        context.get("/shipments/{orderId}", request -> {
            String orderId = request.pathParam("orderId");
            return JsonApi.ok(shipments.shipment(orderId)
                    .orElseThrow(() -> ApiException.notFound("no shipment for order " + orderId)));
        });
    }
}
