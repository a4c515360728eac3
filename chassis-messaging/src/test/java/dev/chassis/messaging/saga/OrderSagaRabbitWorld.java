package dev.chassis.messaging.saga;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.chassis.core.bus.RetryPolicy;
import dev.chassis.core.bus.Subscription;
import dev.chassis.core.bus.SubscriptionHandle;
import dev.chassis.core.envelope.Envelope;
import dev.chassis.core.inbox.InboxStore;
import dev.chassis.core.jdbc.TxRunner;
import dev.chassis.core.saga.JdbcSagaStore;
import dev.chassis.core.saga.SagaAction;
import dev.chassis.core.saga.SagaCommand;
import dev.chassis.core.saga.SagaDefinition;
import dev.chassis.core.saga.SagaEnvelopes;
import dev.chassis.core.saga.SagaOrchestrator;
import dev.chassis.core.saga.SagaRetry;
import dev.chassis.core.saga.SagaSchema;
import dev.chassis.core.saga.SagaState;
import dev.chassis.core.saga.SagaStore;
import dev.chassis.messaging.RabbitEventBus;
import dev.chassis.messaging.inbox.InboxSchema;
import dev.chassis.messaging.inbox.JdbcInboxStore;
import dev.chassis.messaging.outbox.Outbox;
import dev.chassis.messaging.outbox.OutboxRelay;
import dev.chassis.messaging.outbox.OutboxSchema;
import dev.chassis.messaging.outbox.SagaOutbox;
import dev.chassis.testkit.fault.BrokerFaults;
import dev.chassis.testkit.fault.DatabaseFaults;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * The seed's order saga on the local RabbitMQ and PostgreSQL: order.created -> reserve inventory ->
 * inventory.reserved -> process payment -> payment.processed -> confirm the order -> schedule
 * shipping; compensations release the inventory and cancel the order. Sagas live in a
 * {@link JdbcSagaStore} whose commands leave through the outbox and an {@link OutboxRelay} on a
 * {@link RabbitEventBus}; the participants (inventory, payments, orders, shipping) are subscribers
 * that record each command's idempotency key in a PostgreSQL inbox in the transaction of their
 * effect (a row of {@code effects}) and reply on the bus. Everything lives in a schema and an
 * exchange of its own, removed on close.
 */
final class OrderSagaRabbitWorld implements AutoCloseable {
    static final String PG_URL = System.getProperty("chassis.pg.url", "jdbc:postgresql://127.0.0.1:5432/test");
    static final String PG_USER = System.getProperty("chassis.pg.user", "postgres");
    static final String RABBIT = System.getProperty("chassis.rabbit.uri", "amqp://guest:guest@127.0.0.1:5672/%2F");
    static final String REPLIES = "order-saga.reply";
    static final Map<String, String> REPLY_TYPES = Map.of("inventory.reserve", "inventory.reserved",
            "inventory.release", "inventory.released", "payment.process", "payment.processed",
            "order.confirm", "order.confirmed", "order.cancel", "order.cancelled",
            "shipping.schedule", "shipping.scheduled");
    /** Payments above this amount are declined. */
    static final long CARD_LIMIT = 100_000;
    static final RetryPolicy PARTICIPANT_RETRY = RetryPolicy.builder().maxAttempts(20)
            .initialDelay(Duration.ofMillis(100)).multiplier(2.0).maxDelay(Duration.ofSeconds(2)).build();

    /** The saga data. */
    record Order(String orderId, long amountCents, @Nullable String reservationId, @Nullable String paymentId) {
        Order(String orderId, long amountCents) {
            this(orderId, amountCents, null, null);
        }

        Order withReservation(String id) {
            return new Order(orderId, amountCents, id, paymentId);
        }

        Order withPayment(String id) {
            return new Order(orderId, amountCents, reservationId, id);
        }
    }

    final String id = UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    final String schema = "saga_it_" + id;
    final String exchange = "it." + id + ".sagas";
    final String replyQueue = "it." + id + ".order-service.saga-replies";
    final SagaSchema sagaSchema = SagaSchema.of(schema);
    final OutboxSchema outboxSchema = OutboxSchema.of(schema);
    /** The participants' and the relay's pool. */
    final HikariDataSource dataSource;
    /** The test's own queries, in a pool no fault kills. */
    private final HikariDataSource checks;
    /** Orders whose inventory reservation is never answered. */
    final Set<String> silentInventory = ConcurrentHashMap.newKeySet();
    private final List<HikariDataSource> pools = new ArrayList<>();
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final Map<String, RetryPolicy> queues = new HashMap<>();

    OrderSagaRabbitWorld() throws Exception {
        dataSource = pool("participants");
        checks = pool("checks");
        exec("CREATE SCHEMA " + schema);
        sagaSchema.create(dataSource);
        outboxSchema.create(dataSource);
        InboxSchema.create(dataSource, schema);
        exec("CREATE TABLE " + schema + ".effects(consumer text NOT NULL, saga_key text NOT NULL,"
                + " order_id text NOT NULL, what text NOT NULL)");
    }

    /** The order saga, with the given timeout for each command step. */
    static SagaDefinition<Order> definition(Duration timeout, int attempts) {
        SagaRetry retry = SagaRetry.of(attempts, Duration.ofMillis(200));
        return SagaDefinition.builder("order-saga", Order.class)
                .version(1)
                .step("register-order", step -> step
                        .action(SagaAction.call((order, key) -> order)) // order.created: the order exists, pending
                        .compensation(SagaAction.command(order -> SagaCommand.of("order.cancel", "order.cancel", order)))
                        .timeout(timeout).retry(retry))
                .step("reserve-inventory", step -> step
                        .action(SagaAction.command(
                                order -> SagaCommand.of("inventory.reserve", "inventory.reserve", order),
                                (order, reply) -> order.withReservation(reply.dataAs(Map.class).get("reservationId").toString())))
                        .compensation(SagaAction.command(
                                order -> SagaCommand.of("inventory.release", "inventory.release", order)))
                        .timeout(timeout).retry(retry))
                .step("process-payment", step -> step
                        .action(SagaAction.command(
                                order -> SagaCommand.of("payment.process", "payment.process", order),
                                (order, reply) -> order.withPayment(reply.dataAs(Map.class).get("paymentId").toString())))
                        .timeout(timeout).retry(retry))
                .step("confirm-order", step -> step
                        .action(SagaAction.command(order -> SagaCommand.of("order.confirm", "order.confirm", order)))
                        .timeout(timeout).retry(retry))
                .step("schedule-shipping", step -> step
                        .action(SagaAction.command(order -> SagaCommand.of("shipping.schedule", "shipping.schedule", order)))
                        .timeout(timeout).retry(retry))
                .build();
    }

    /** A pool whose sessions are named {@code it-<id>-<role>}, so a test can terminate them. */
    HikariDataSource pool(String role) {
        return pool(role, null);
    }

    /** A pool as {@link #pool(String)} whose sessions have the given schema first on the search path. */
    HikariDataSource pool(String role, @Nullable String searchPath) {
        HikariConfig config = new HikariConfig();
        if (searchPath != null) {
            config.setSchema(searchPath);
        }
        config.setJdbcUrl(PG_URL);
        config.setUsername(PG_USER);
        config.setMaximumPoolSize(8);
        config.setConnectionTimeout(10_000);
        config.addDataSourceProperty("ApplicationName", "it-" + id + "-" + role);
        HikariDataSource ds = new HikariDataSource(config);
        pools.add(ds);
        return ds;
    }

    /** A bus on this world's exchange; its connection is named {@code it-<id>-<role>}. */
    RabbitEventBus bus(String role) {
        return closeLater(RabbitEventBus.builder().uri(RABBIT).exchange(exchange).connectionName(connectionName(role))
                .publishConfirmTimeout(Duration.ofSeconds(5)).recoveryInterval(Duration.ofMillis(500)).build());
    }

    String connectionName(String role) {
        return "it-" + id + "-" + role;
    }

    /** The saga store on a data source, writing commands through the outbox. */
    JdbcSagaStore store(DataSource ds) {
        Outbox outbox = Outbox.create(b -> b.schema(outboxSchema));
        return JdbcSagaStore.create(ds, b -> b.schema(sagaSchema).messageHook(SagaOutbox.create(outbox)));
    }

    SagaOrchestrator orchestrator(SagaStore store, SagaDefinition<Order> definition, String owner) {
        return SagaOrchestrator.builder(store).definition(definition).owner(owner).name("orders-" + owner)
                .source("/order-service").pollInterval(Duration.ofMillis(100)).leaseDuration(Duration.ofSeconds(2))
                .build();
    }

    /** Starts the relay publishing the outbox through the bus. */
    OutboxRelay relay(RabbitEventBus bus) {
        OutboxRelay relay = closeLater(OutboxRelay.builder().name("saga-relay-" + id).dataSource(pool("relay"))
                .schema(outboxSchema).eventBus(bus).pollInterval(Duration.ofMillis(50)).build());
        relay.start();
        return relay;
    }

    /** Notes a queue (with its retry queues) to delete on close. */
    void registerQueue(String queue, RetryPolicy retry) {
        queues.put(queue, retry);
    }

    /** Subscribes the orchestrator to the replies, through the helper. */
    SubscriptionHandle subscribeReplies(RabbitEventBus bus, SagaOrchestrator orchestrator) {
        queues.put(replyQueue, SagaMessaging.REPLY_RETRY);
        return SagaMessaging.subscribeReplies(bus, orchestrator, replyQueue, REPLIES);
    }

    /** Subscribes the four participants. */
    void startParticipants(RabbitEventBus bus) {
        InboxStore inbox = JdbcInboxStore.of(TxRunner.of(dataSource), schema);
        for (String participant : List.of("inventory", "payment", "order", "shipping")) {
            String queue = "it." + id + "." + participant;
            queues.put(queue, PARTICIPANT_RETRY);
            bus.subscribe(Subscription.builder(queue).topic(participant + ".*").concurrency(4)
                    .retry(PARTICIPANT_RETRY)
                    .handler(SagaMessaging.participant(inbox, participant, bus, REPLIES, this::handle))
                    .build());
        }
    }

    /** The participants' business logic: one effect per new idempotency key, an answer every time. */
    private @Nullable Envelope handle(Envelope command, dev.chassis.core.inbox.InboxTransaction tx, boolean firstTime)
            throws Exception {
        Order order = command.dataAs(Order.class);
        String[] parts = command.type().split("\\.");
        String participant = parts[0];
        if (command.type().equals("payment.process") && order.amountCents() > CARD_LIMIT) {
            return SagaEnvelopes.failureReplyTo(command, "card declined").source("/payments")
                    .type("payment.declined").build();
        }
        if (firstTime) {
            String what = switch (command.type()) {
                case "inventory.reserve" -> "reserved";
                case "inventory.release" -> "released";
                case "payment.process" -> "charged";
                case "order.confirm" -> "confirmed";
                case "order.cancel" -> "cancelled";
                case "shipping.schedule" -> "scheduled";
                default -> throw new IllegalArgumentException("unexpected command " + command.type());
            };
            try (PreparedStatement ps = tx.connection().prepareStatement("INSERT INTO " + schema
                    + ".effects(consumer, saga_key, order_id, what) VALUES (?, ?, ?, ?)")) {
                ps.setString(1, participant);
                ps.setString(2, SagaEnvelopes.idempotencyKey(command).orElseThrow());
                ps.setString(3, order.orderId());
                ps.setString(4, what);
                ps.executeUpdate();
            }
        }
        if (command.type().equals("inventory.reserve") && silentInventory.contains(order.orderId())) {
            return null;
        }
        Envelope.Builder reply = SagaEnvelopes.replyTo(command).source("/" + participant)
                .type(REPLY_TYPES.get(command.type()));
        if (command.type().equals("inventory.reserve")) {
            reply.data(Map.of("reservationId", "r-" + order.orderId()));
        } else if (command.type().equals("payment.process")) {
            reply.data(Map.of("paymentId", "p-" + order.orderId()));
        }
        return reply.build();
    }

    /** How many times an effect happened for an order. */
    long effects(String orderId, String what) throws Exception {
        return query("SELECT count(*) FROM " + schema + ".effects WHERE order_id = '" + orderId + "' AND what = '"
                + what + "'");
    }

    /** Effects per (order, kind) beyond the first. */
    long duplicateEffects() throws Exception {
        return query("SELECT coalesce(sum(n - 1), 0) FROM (SELECT count(*) n FROM " + schema
                + ".effects GROUP BY order_id, what) d");
    }

    long totalEffects() throws Exception {
        return query("SELECT count(*) FROM " + schema + ".effects");
    }

    /** How many sagas are in a state. */
    long sagas(SagaState state) throws Exception {
        return query("SELECT count(*) FROM " + sagaSchema.qualifiedTable() + " WHERE state = '" + state + "'");
    }

    long query(String sql) throws Exception {
        try (java.sql.Connection c = checks.getConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Terminates every PostgreSQL session of a role; returns how many. */
    int terminate(String role) {
        return DatabaseFaults.using(checks).terminateApplication("it-" + id + "-" + role);
    }

    /** Closes the broker connections of every role of this world; returns how many. */
    int closeBrokerConnections() {
        return BrokerFaults.local().closeConnectionsNamed("it-" + id + "-", "saga fault test");
    }

    <T extends AutoCloseable> T closeLater(T closeable) {
        closeables.add(closeable);
        return closeable;
    }

    private void exec(String sql) throws Exception {
        try (java.sql.Connection c = DriverManager.getConnection(PG_URL, PG_USER, ""); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    @Override
    public void close() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            try {
                closeables.get(i).close();
            } catch (Exception e) {
                System.err.println("closing " + closeables.get(i) + " failed: " + e);
            }
        }
        deleteTopology();
        exec("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        pools.forEach(HikariDataSource::close);
    }

    private void deleteTopology() throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri(RABBIT);
        try (Connection admin = factory.newConnection("it-" + id + "-admin")) {
            for (Map.Entry<String, RetryPolicy> q : queues.entrySet()) {
                List<String> names = new ArrayList<>(List.of(q.getKey(), q.getKey() + ".dlq"));
                q.getValue().distinctDelays().forEach(d -> names.add(q.getKey() + ".retry." + d.toMillis() + "ms"));
                for (String name : names) {
                    try (Channel ch = admin.createChannel()) {
                        ch.queueDelete(name);
                    }
                }
                try (Channel ch = admin.createChannel()) {
                    ch.exchangeDelete(q.getKey() + ".dlx");
                }
            }
            try (Channel ch = admin.createChannel()) {
                ch.exchangeDelete(exchange);
            }
        }
    }
}
