package dev.chassis.examples.order;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConnectionFactory;
import dev.chassis.core.bus.EventBus;
import dev.chassis.core.bus.RetryPolicy;
import dev.chassis.core.json.JsonCodec;
import dev.chassis.discovery.InMemoryServiceRegistry;
import dev.chassis.examples.inventory.InventoryService;
import dev.chassis.examples.payment.PaymentService;
import dev.chassis.examples.shipping.ShippingService;
import dev.chassis.examples.support.Database;
import dev.chassis.examples.support.RunningService;
import dev.chassis.examples.support.ServiceDefinition;
import dev.chassis.examples.support.ServiceDependencies;
import dev.chassis.examples.support.ServiceHost;
import dev.chassis.messaging.InMemoryBroker;
import dev.chassis.messaging.InMemoryEventBus;
import dev.chassis.messaging.RabbitEventBus;
import dev.chassis.messaging.saga.SagaMessaging;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The four services of the order saga in this JVM, as the shop runs them: each service on a bus of
 * its own (so one can be stopped abruptly without the others) over one in-memory broker or one
 * RabbitMQ exchange, one PostgreSQL schema per service, an HTTP API each. Schemas (and RabbitMQ
 * queues and exchanges) are removed on close.
 */
final class ShopWorld implements AutoCloseable {
    static final String DATABASE_URL = System.getProperty("chassis.pg.url",
            "jdbc:postgresql://127.0.0.1:5432/test?user=postgres");
    static final String RABBIT = System.getProperty("chassis.rabbit.uri", "amqp://guest:guest@127.0.0.1:5672/%2F");
    static final List<String> SERVICES = List.of(InventoryService.NAME, PaymentService.NAME, ShippingService.NAME,
            OrderService.NAME);
    private static final JsonCodec JSON = JsonCodec.defaults();

    final String id = UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    private final InMemoryBroker broker = InMemoryBroker.create();
    private final InMemoryServiceRegistry registry = InMemoryServiceRegistry.create();
    private final Database database = Database.connect(DATABASE_URL, "order-saga-it-" + id);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Map<String, Map<String, String>> env = new HashMap<>();
    private final Map<String, RunningService> running = new LinkedHashMap<>();
    private final Map<String, EventBus> buses = new HashMap<>();
    private final boolean rabbit;

    /** A world on the in-memory broker whose services read the given variables besides their schema. */
    ShopWorld(Map<String, String> orderEnv, Map<String, String> paymentEnv) throws Exception {
        this(false, orderEnv, paymentEnv);
    }

    /** A world on RabbitMQ (an exchange of its own) or on the in-memory broker. */
    ShopWorld(boolean rabbit, Map<String, String> orderEnv, Map<String, String> paymentEnv) throws Exception {
        this.rabbit = rabbit;
        if (rabbit) {
            deleteTopology(); // the queue names are the services': no messages of an earlier run
        }
        for (String service : SERVICES) {
            env.put(service, new HashMap<>(Map.of("DATABASE_SCHEMA", schema(service))));
        }
        env.get(OrderService.NAME).putAll(orderEnv);
        env.get(PaymentService.NAME).putAll(paymentEnv);
    }

    /** The schema of a service's tables in this world. */
    String schema(String service) {
        return "it_" + id + "_" + service.replace("-service", "");
    }

    /** Starts the participants, then the order service (so its first commands find their queues). */
    ShopWorld startAll() {
        SERVICES.forEach(this::start);
        return this;
    }

    /** Starts (or restarts) a service on a new bus of the shared broker and on its schema. */
    RunningService start(String service) {
        EventBus bus = bus(service);
        buses.put(service, bus);
        RunningService started = ServiceHost.start(definition(service), ServiceDependencies.builder()
                .bus(bus).registry(registry).dataSource(database.dataSource())
                .env(env.get(service)).port(0)
                .build());
        running.put(service, started);
        return started;
    }

    /**
     * A bus for a service. In memory with a drain timeout of zero: stopping it abandons running
     * handlers, as a crash would. On RabbitMQ, closing the connection returns unacknowledged
     * messages to their queues.
     */
    private EventBus bus(String service) {
        if (rabbit) {
            return RabbitEventBus.builder().uri(RABBIT).exchange(exchange()).connectionName("it-" + id + "-" + service)
                    .publishConfirmTimeout(Duration.ofSeconds(5)).recoveryInterval(Duration.ofMillis(500)).build();
        }
        return InMemoryEventBus.create(b -> b.broker(broker).drainTimeout(Duration.ZERO));
    }

    private String exchange() {
        return "it." + id + ".shop";
    }

    private static ServiceDefinition definition(String service) {
        return switch (service) {
            case InventoryService.NAME -> new InventoryService();
            case PaymentService.NAME -> new PaymentService();
            case ShippingService.NAME -> new ShippingService();
            case OrderService.NAME -> new OrderService();
            default -> throw new IllegalArgumentException(service);
        };
    }

    /**
     * Stops a service abruptly: its bus goes first without waiting for running handlers (their
     * messages go back to the queues), then the rest of it.
     */
    void crash(String service) {
        buses.remove(service).close();
        running.remove(service).shutdown();
    }

    /** A bus of the test's own on the shared in-memory broker, to send commands and watch replies. */
    InMemoryEventBus probe() {
        InMemoryEventBus bus = InMemoryEventBus.create(b -> b.broker(broker));
        buses.put("probe-" + buses.size(), bus);
        return bus;
    }

    RunningService service(String service) {
        return running.get(service);
    }

    HttpResponse<String> send(String service, String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(running.get(service).uri().resolve(path))
                .timeout(Duration.ofSeconds(10))
                .method(method, body.isEmpty() ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (!body.isEmpty()) {
            request.header("Content-Type", "application/json");
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The JSON body of a GET. */
    @SuppressWarnings("unchecked")
    Map<String, Object> getJson(String service, String path) throws Exception {
        return JSON.read(send(service, "GET", path, "").body(), Map.class);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> json(String body) {
        return JSON.read(body, Map.class);
    }

    /** Sets the stock of a SKU through the inventory's API. */
    void restock(String sku, int available) throws Exception {
        HttpResponse<String> response = send(InventoryService.NAME, "PUT", "/stock/" + sku,
                "{\"available\": " + available + "}");
        if (response.statusCode() != 200) {
            throw new IllegalStateException("restock failed: " + response.statusCode() + " " + response.body());
        }
    }

    /** Places an order through the order service's API; returns its id. */
    String placeOrder(String sku, int quantity, String unitPrice) throws Exception {
        HttpResponse<String> response = send(OrderService.NAME, "POST", "/orders", "{\"customerId\": \"c-" + id
                + "\", \"shippingAddress\": \"1 Main St, Springfield\", \"lines\": [{\"sku\": \"" + sku
                + "\", \"quantity\": " + quantity + ", \"unitPrice\": " + unitPrice + "}]}");
        if (response.statusCode() != 202) {
            throw new IllegalStateException("placing the order failed: " + response.statusCode() + " " + response.body());
        }
        return (String) json(response.body()).get("id");
    }

    /** The order's status as {@code GET /orders/{id}} shows it. */
    String orderStatus(String orderId) throws Exception {
        return (String) getJson(OrderService.NAME, "/orders/" + orderId).get("status");
    }

    /** The order's saga part of {@code GET /orders/{id}}. */
    @SuppressWarnings("unchecked")
    Map<String, Object> saga(String orderId) throws Exception {
        return (Map<String, Object>) getJson(OrderService.NAME, "/orders/" + orderId).get("saga");
    }

    int available(String sku) throws Exception {
        return ((Number) getJson(InventoryService.NAME, "/stock/" + sku).get("available")).intValue();
    }

    /** A count in a service's schema, e.g. {@code count("payment-service", "payments", "status = 'CHARGED'")}. */
    long count(String service, String table, String where) throws Exception {
        try (Connection c = database.dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM " + schema(service) + "." + table
                        + " WHERE " + where);
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Override
    public void close() throws Exception {
        List<String> names = List.copyOf(running.keySet());
        for (int i = names.size() - 1; i >= 0; i--) {
            running.remove(names.get(i)).shutdown();
        }
        buses.values().forEach(EventBus::close);
        broker.close();
        if (rabbit) {
            deleteTopology();
        }
        registry.close();
        try (Connection c = database.dataSource().getConnection(); Statement st = c.createStatement()) {
            for (String service : SERVICES) {
                st.execute("DROP SCHEMA IF EXISTS " + schema(service) + " CASCADE");
            }
        }
        database.close();
    }

    /** The services' queues with their retry and dead-letter queues, and the exchanges. */
    private void deleteTopology() throws Exception {
        Map<String, RetryPolicy> queues = new HashMap<>();
        for (String service : List.of(InventoryService.NAME, PaymentService.NAME, ShippingService.NAME)) {
            queues.put(service + ".saga-commands", RetryPolicy.ofDefaults());
        }
        queues.put(OrderService.NAME + ".saga-replies", SagaMessaging.REPLY_RETRY);
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri(RABBIT);
        try (com.rabbitmq.client.Connection admin = factory.newConnection("it-" + id + "-admin")) {
            List<String> names = new ArrayList<>();
            for (Map.Entry<String, RetryPolicy> q : queues.entrySet()) {
                names.add(q.getKey());
                names.add(q.getKey() + ".dlq");
                q.getValue().distinctDelays().forEach(d -> names.add(q.getKey() + ".retry." + d.toMillis() + "ms"));
            }
            for (String name : names) {
                try (Channel channel = admin.createChannel()) {
                    channel.queueDelete(name);
                }
            }
            for (String name : queues.keySet()) {
                try (Channel channel = admin.createChannel()) {
                    channel.exchangeDelete(name + ".dlx");
                }
            }
            try (Channel channel = admin.createChannel()) {
                channel.exchangeDelete(exchange());
            }
        }
    }
}
