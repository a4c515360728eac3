package dev.chassis.examples.payment;

import dev.chassis.core.bus.Subscription;
import dev.chassis.core.config.ConfigKey;
import dev.chassis.core.jdbc.TxRunner;
import dev.chassis.examples.support.ApiException;
import dev.chassis.examples.support.JsonApi;
import dev.chassis.examples.support.ServiceContext;
import dev.chassis.examples.support.ServiceDefinition;
import dev.chassis.examples.support.ServiceMessaging;
import dev.chassis.messaging.inbox.InboxSchema;
import dev.chassis.messaging.inbox.JdbcInboxStore;
import dev.chassis.messaging.saga.SagaMessaging;
import java.math.BigDecimal;
import java.util.List;

/**
 * The payment service: a participant of the order saga, subscribed to {@code payment.*} commands on
 * the queue {@code <name>.saga-commands}, answering on {@value #REPLY_TOPIC}. It declines amounts
 * above {@code PAYMENT_DECLINE_ABOVE} (default {@value #DEFAULT_DECLINE_ABOVE}), which makes the
 * order saga compensate. Its HTTP API: {@code GET /payments/{orderId}}, 404 if the order was never
 * charged.
 *
 * <pre>{@code
 * RunningService payments = ServiceHost.start(new PaymentService(), dependencies);
 * }</pre>
 *
 * <p>Stateless and thread-safe; each {@link #wire} makes a new set of parts.
 */
public final class PaymentService implements ServiceDefinition {
    /** The service's name. */
    public static final String NAME = "payment-service";
    /** The topic replies go to: the order saga's. */
    public static final String REPLY_TOPIC = "order-saga.reply";
    /** The default decline limit. */
    public static final String DEFAULT_DECLINE_ABOVE = "1000.00";
    /** {@code PAYMENT_DECLINE_ABOVE}: amounts above it are declined. */
    public static final ConfigKey<String> DECLINE_ABOVE = ConfigKey.string("PAYMENT_DECLINE_ABOVE")
            .withDefault(DEFAULT_DECLINE_ABOVE)
            .description("amounts above this are declined, e.g. 1000.00");

    /** The service with its defaults. */
    public PaymentService() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<ConfigKey<?>> configKeys() {
        return List.of(DECLINE_ABOVE);
    }

    /**
     * Creates the table and the inbox, subscribes the saga participant as a component, and adds the route.
     *
     * @param context the service's dependencies
     * @throws IllegalArgumentException if {@code PAYMENT_DECLINE_ABOVE} is not an amount of 0 or more
     */
    @Override
    public void wire(ServiceContext context) {
        Payments payments = Payments.create(context.dataSource(), context.schema(),
                declineAbove(context.config().get(DECLINE_ABOVE)), context.clock());
        payments.createTables();
        InboxSchema.create(context.dataSource(), context.schema());
        String queue = context.name() + ".saga-commands";
        Subscription commands = Subscription.builder(queue)
                .topic("payment.*")
                .concurrency(4)
                .handler(SagaMessaging.participant(JdbcInboxStore.of(TxRunner.of(context.dataSource()), context.schema()),
                        queue, context.bus(), REPLY_TOPIC, new PaymentParticipant(payments)))
                .build();
        ServiceMessaging.subscribe(context, commands);

        context.get("/payments/{orderId}", request -> {
            String orderId = request.pathParam("orderId");
            return JsonApi.ok(payments.payment(orderId)
                    .orElseThrow(() -> ApiException.notFound("no payment for order " + orderId)));
        });
    }

    static BigDecimal declineAbove(String value) {
        try {
            BigDecimal limit = new BigDecimal(value.strip());
            if (limit.signum() >= 0) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(DECLINE_ABOVE.name() + " must be an amount of 0 or more such as "
                + DEFAULT_DECLINE_ABOVE + ", was '" + value + "'");
    }
}
