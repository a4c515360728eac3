package dev.chassis.examples.order;

import dev.chassis.core.bus.Subscription;
import dev.chassis.core.config.ConfigKey;
import dev.chassis.core.json.JsonCodec;
import dev.chassis.core.saga.JdbcSagaStore;
import dev.chassis.core.saga.SagaDefinition;
import dev.chassis.core.saga.SagaOrchestrator;
import dev.chassis.core.saga.SagaRetry;
import dev.chassis.core.saga.SagaSchema;
import dev.chassis.core.saga.SagaStatus;
import dev.chassis.examples.support.ApiException;
import dev.chassis.examples.support.FieldErrors;
import dev.chassis.examples.support.JsonApi;
import dev.chassis.examples.support.ServiceContext;
import dev.chassis.examples.support.ServiceDefinition;
import dev.chassis.examples.support.ServiceMessaging;
import dev.chassis.messaging.outbox.Outbox;
import dev.chassis.messaging.outbox.SagaOutbox;
import dev.chassis.messaging.saga.SagaMessaging;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The order service: places orders and runs the {@linkplain OrderSaga order saga} for each. Sagas
 * are kept in a {@link JdbcSagaStore} in the service's schema; the commands they send are written to
 * the outbox in the same transaction and published by the outbox relay; the participants'
 * replies arrive on {@value OrderSaga#REPLY_TOPIC} through the queue {@code <name>.saga-replies}.
 * Starting the service recovers every unfinished saga. Its HTTP API:
 *
 * <ul>
 *   <li>{@code POST /orders} with a {@link PlaceOrder} body: 202 with the new order (PENDING, with its
 *       id to poll); 400 naming every invalid field;</li>
 *   <li>{@code GET /orders/{id}}: the order's status and the saga's history ({@link OrderView});</li>
 *   <li>{@code /chassis/sagas...} and {@code /chassis/outbox...}: the saga and outbox admin routes.</li>
 * </ul>
 *
 * <p>Configuration besides the common keys: {@code ORDER_SAGA_STEP_TIMEOUT} (default 30 s), how long a
 * step waits for its reply before the command is resent, and {@code ORDER_SAGA_STEP_ATTEMPTS}
 * (default 3), how often a step is tried before the saga compensates.
 *
 * <pre>{@code
 * RunningService orders = ServiceHost.start(new OrderService(), dependencies);
 * }</pre>
 *
 * <p>Stateless and thread-safe; each {@link #wire} makes a new set of parts.
 */
public final class OrderService implements ServiceDefinition {
    /** The service's name. */
    public static final String NAME = "order-service";
    /** {@code ORDER_SAGA_STEP_TIMEOUT}: how long a command step waits for its reply. */
    public static final ConfigKey<Duration> STEP_TIMEOUT = ConfigKey.duration("ORDER_SAGA_STEP_TIMEOUT")
            .withDefault(Duration.ofSeconds(30))
            .description("how long a saga step waits for its reply before the command is resent");
    /** {@code ORDER_SAGA_STEP_ATTEMPTS}: how often a step is tried. */
    public static final ConfigKey<Integer> STEP_ATTEMPTS = ConfigKey.integer("ORDER_SAGA_STEP_ATTEMPTS", 1, 20)
            .withDefault(3)
            .description("how often a saga step is tried (sent) before the saga compensates");
    private static final JsonCodec JSON = JsonCodec.defaults();

    /** The service with its defaults. */
    public OrderService() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<ConfigKey<?>> configKeys() {
        return List.of(STEP_TIMEOUT, STEP_ATTEMPTS);
    }

    /**
     * Creates the orders, saga and outbox tables, adds the outbox relay, the orchestrator and the reply
     * subscription as components (in that order, so they stop the other way round), and the routes.
     *
     * @param context the service's dependencies
     */
    @Override
    public void wire(ServiceContext context) {
        Orders orders = Orders.create(context.dataSource(), context.schema(), context.clock());
        orders.createTables();
        SagaSchema sagaSchema = SagaSchema.of(context.schema());
        sagaSchema.create(context.dataSource());
        Outbox outbox = ServiceMessaging.outbox(context);
        JdbcSagaStore store = JdbcSagaStore.create(context.dataSource(), b -> b
                .schema(sagaSchema)
                .clock(context.clock())
                .messageHook(SagaOutbox.create(outbox)));
        SagaDefinition<OrderSagaData> saga = OrderSaga.definition(orders, context.config().get(STEP_TIMEOUT),
                SagaRetry.of(context.config().get(STEP_ATTEMPTS), Duration.ofSeconds(1)));
        SagaOrchestrator orchestrator = SagaOrchestrator.builder(store)
                .definition(saga)
                .name(OrderSaga.TYPE)
                .clock(context.clock())
                .source(context.source())
                .build();
        // after the relay (added by outbox()), so it stops before the relay closes
        context.component(orchestrator);
        ServiceMessaging.subscribe(context, Subscription.builder(context.name() + ".saga-replies")
                .topic(OrderSaga.REPLY_TOPIC)
                .handler(SagaMessaging.replyHandler(orchestrator))
                .concurrency(4)
                .retry(SagaMessaging.REPLY_RETRY)
                .build());
        orchestrator.adminRoutes().forEach(context::route);

        context.post("/orders", request -> {
            PlaceOrder body = JsonApi.body(request, PlaceOrder.class);
            Map<String, String> problems = body.validate();
            if (!problems.isEmpty()) {
                throw new ApiException(400, FieldErrors.VALIDATION_FAILED, problems);
            }
            String orderId = UUID.randomUUID().toString();
            orchestrator.start(saga, OrderSaga.sagaId(orderId), OrderSagaData.of(orderId, body));
            return JsonApi.accepted(view(orders, orchestrator, orderId));
        });
        context.get("/orders/{id}", request -> JsonApi.ok(view(orders, orchestrator, request.pathParam("id"))));
    }

    private static OrderView view(Orders orders, SagaOrchestrator orchestrator, String orderId) {
        Optional<SagaStatus> saga = orchestrator.status(OrderSaga.sagaId(orderId));
        Optional<Order> order = orders.find(orderId);
        if (order.isPresent()) {
            return OrderView.of(order.get(), saga.orElse(null));
        }
        return saga.map(s -> OrderView.pending(JSON.read(s.data(), OrderSagaData.class), s))
                .orElseThrow(() -> ApiException.notFound("no order with id " + orderId));
    }
}
