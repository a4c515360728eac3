package dev.chassis.examples.order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
import dev.chassis.messaging.InMemoryEventBus;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Runs the order saga's sample of docs/examples.md: the four services in one JVM on their default
 * schemas, in a database of the test's own. DocumentationSnippetsTest keeps the two identical.
 */
class OrderSagaDocsIT {
    private static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/";
    private final String databaseName = "order_saga_docs_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    private final HttpClient http = HttpClient.newHttpClient();
    private Database database;
    private InMemoryEventBus bus;
    private InMemoryServiceRegistry registry;
    private List<RunningService> shop = List.of();

    @BeforeEach
    void createDatabase() throws Exception {
        admin("CREATE DATABASE " + databaseName);
        database = Database.connect(SERVER + databaseName + "?user=postgres", "order-saga-docs");
    }

    @AfterEach
    void dropDatabase() throws Exception {
        for (int i = shop.size() - 1; i >= 0; i--) {
            shop.get(i).shutdown();
        }
        if (bus != null) {
            bus.close();
            registry.close();
        }
        database.close();
        admin("DROP DATABASE IF EXISTS " + databaseName);
    }

    @Test
    void theFourServicesRunAnOrderInOneJvm() throws Exception {
        // given
        InMemoryEventBus bus = InMemoryEventBus.create();
        InMemoryServiceRegistry registry = InMemoryServiceRegistry.create();
        List<RunningService> shop = new ArrayList<>();
        for (ServiceDefinition service : List.of(new InventoryService(), new PaymentService(), new ShippingService(),
                new OrderService())) {
            shop.add(ServiceHost.start(service, ServiceDependencies.builder()
                    .bus(bus)
                    .registry(registry)
                    .dataSource(database.dataSource())
                    .port(0)
                    .build()));
        }
        this.bus = bus;
        this.registry = registry;
        this.shop = shop;
        send(shop.get(0).uri(), "PUT", "/stock/SKU-1", "{\"available\": 3}");

        // when
        String orderId = (String) json(send(shop.get(3).uri(), "POST", "/orders", "{\"customerId\": \"c-1\","
                + " \"shippingAddress\": \"1 Main St\", \"lines\": [{\"sku\": \"SKU-1\", \"quantity\": 1,"
                + " \"unitPrice\": 9.99}]}")).get("id");

        // then
        await().atMost(Duration.ofSeconds(30)).until(() ->
                "CONFIRMED".equals(json(send(shop.get(3).uri(), "GET", "/orders/" + orderId, "")).get("status")));
        assertThat(json(send(shop.get(0).uri(), "GET", "/stock/SKU-1", ""))).containsEntry("available", 2);
        assertThat(shop).extracting(RunningService::name)
                .containsExactly("inventory-service", "payment-service", "shipping-service", "order-service");
    }

    private String send(URI base, String method, String path, String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .method(method, body.isEmpty() ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString()).body();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> json(String body) {
        return JsonCodec.defaults().read(body, Map.class);
    }

    private static void admin(String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(SERVER + "postgres?user=postgres"); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }
}
