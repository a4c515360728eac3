package dev.chassis.examples.inventory;

import dev.chassis.core.admin.AdminRoute;
import dev.chassis.core.bus.Subscription;
import dev.chassis.core.jdbc.TxRunner;
import dev.chassis.examples.support.ApiException;
import dev.chassis.examples.support.FieldErrors;
import dev.chassis.examples.support.JsonApi;
import dev.chassis.examples.support.ServiceContext;
import dev.chassis.examples.support.ServiceDefinition;
import dev.chassis.examples.support.ServiceMessaging;
import dev.chassis.messaging.inbox.InboxSchema;
import dev.chassis.messaging.inbox.JdbcInboxStore;
import dev.chassis.messaging.saga.SagaMessaging;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The inventory service: a participant of the order saga, subscribed to {@code inventory.*}
 * commands on the queue {@code <name>.saga-commands}, answering on {@value #REPLY_TOPIC}. Its HTTP
 * API:
 *
 * <ul>
 *   <li>{@code GET /stock/{sku}}: {@code {"sku": ..., "available": n}}, 404 for an unknown SKU;</li>
 *   <li>{@code PUT /stock/{sku}} with {@code {"available": n}}: sets the units on hand (a delivery,
 *       a stock count);</li>
 *   <li>{@code GET /reservations/{orderId}}: what is reserved for an order, 404 if nothing.</li>
 * </ul>
 *
 * <pre>{@code
 * RunningService inventory = ServiceHost.start(new InventoryService(), dependencies);
 * }</pre>
 *
 * <p>Stateless and thread-safe; each {@link #wire} makes a new set of parts.
 */
public final class InventoryService implements ServiceDefinition {
    /** The service's name. */
    public static final String NAME = "inventory-service";
    /** The topic replies go to: the order saga's. */
    public static final String REPLY_TOPIC = "order-saga.reply";

    /** The service with its defaults. */
    public InventoryService() {
    }

    @Override
    public String name() {
        return NAME;
    }

    /**
     * Creates the tables and the inbox, subscribes the saga participant as a component, and adds the routes.
     *
     * @param context the service's dependencies
     */
    @Override
    public void wire(ServiceContext context) {
        Inventory inventory = Inventory.create(context.dataSource(), context.schema(), context.clock());
        inventory.createTables();
        InboxSchema.create(context.dataSource(), context.schema());
        String queue = context.name() + ".saga-commands";
        Subscription commands = Subscription.builder(queue)
                .topic("inventory.*")
                .concurrency(4)
                .handler(SagaMessaging.participant(JdbcInboxStore.of(TxRunner.of(context.dataSource()), context.schema()),
                        queue, context.bus(), REPLY_TOPIC, new InventoryParticipant(inventory)))
                .build();
        ServiceMessaging.subscribe(context, commands);

        context.get("/stock/{sku}", request -> {
            String sku = request.pathParam("sku");
            int available = inventory.available(sku)
                    .orElseThrow(() -> ApiException.notFound("no stock of SKU " + sku));
            return JsonApi.ok(Map.of("sku", sku, "available", available));
        });
        context.route(new AdminRoute("PUT", "/stock/{sku}", request -> {
            String sku = request.pathParam("sku");
            StockLevel level = JsonApi.body(request, StockLevel.class);
            FieldErrors.create()
                    .check(level.available() != null && level.available() >= 0, "available", "must be 0 or more")
                    .throwIfAny();
            inventory.restock(sku, level.available());
            return JsonApi.ok(Map.of("sku", sku, "available", level.available()));
        }));
        context.get("/reservations/{orderId}", request -> {
            String orderId = request.pathParam("orderId");
            return JsonApi.ok(inventory.reservation(orderId)
                    .orElseThrow(() -> ApiException.notFound("nothing reserved for order " + orderId)));
        });
    }

    /** The body of {@code PUT /stock/{sku}}. */
    record StockLevel(@Nullable Integer available) {
    }
}
