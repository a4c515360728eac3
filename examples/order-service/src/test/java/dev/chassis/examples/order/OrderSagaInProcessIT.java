package dev.chassis.examples.order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.chassis.examples.inventory.InventoryService;
import dev.chassis.examples.payment.PaymentService;
import dev.chassis.examples.shipping.ShippingService;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The four services in one JVM on the in-memory bus and their own PostgreSQL schemas, driven
 * through their HTTP APIs: an order that completes, one compensated for lack of stock, one
 * compensated for a declined payment.
 */
class OrderSagaInProcessIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private ShopWorld world;

    @BeforeEach
    void start() throws Exception {
        world = new ShopWorld(Map.of(), Map.of("PAYMENT_DECLINE_ABOVE", "100.00")).startAll();
    }

    @AfterEach
    void stop() throws Exception {
        world.close();
    }

    @Test
    void anOrderReservesChargesShipsAndIsConfirmed() throws Exception {
        // given
        world.restock("SKU-1", 10);

        // when
        String orderId = world.placeOrder("SKU-1", 2, "19.90");

        // then
        await().atMost(WAIT).until(() -> world.orderStatus(orderId).equals("CONFIRMED"));
        Map<String, Object> order = world.getJson(OrderService.NAME, "/orders/" + orderId);
        assertThat(order).containsEntry("total", 39.80).containsEntry("paymentId", "pay-" + orderId)
                .containsEntry("shipmentId", "ship-" + orderId);
        Map<String, Object> saga = world.saga(orderId);
        assertThat(saga).containsEntry("state", "COMPLETED").containsEntry("failure", null);
        assertThat(events(saga)).containsSubsequence("started", "step-succeeded", "step-succeeded", "step-succeeded",
                "step-succeeded", "step-succeeded", "completed");
        assertThat(steps(saga)).contains("create-order", "reserve-inventory", "process-payment", "schedule-shipping",
                "confirm-order");
        assertThat(world.available("SKU-1")).isEqualTo(8);
        assertThat(world.getJson(PaymentService.NAME, "/payments/" + orderId))
                .containsEntry("status", "CHARGED").containsEntry("amount", 39.80);
        assertThat(world.getJson(ShippingService.NAME, "/shipments/" + orderId)).containsEntry("status", "SCHEDULED");
        assertThat(world.getJson(InventoryService.NAME, "/reservations/" + orderId)).containsEntry("status", "RESERVED");
    }

    @Test
    void anOrderBeyondTheStockIsCancelledWithNothingReservedOrCharged() throws Exception {
        // given
        world.restock("SKU-2", 1);

        // when
        String orderId = world.placeOrder("SKU-2", 3, "5.00");

        // then
        await().atMost(WAIT).until(() -> world.orderStatus(orderId).equals("CANCELLED"));
        Map<String, Object> saga = world.saga(orderId);
        assertThat(saga).containsEntry("state", "COMPENSATED");
        assertThat((String) saga.get("failure")).isEqualTo("step 'reserve-inventory' failed: reply inventory.rejected:"
                + " insufficient stock: SKU-2 (requested 3, available 1)");
        assertThat(events(saga)).containsSubsequence("step-failed", "step-compensated", "compensated");
        assertThat(world.available("SKU-2")).isEqualTo(1);
        assertThat(world.send(PaymentService.NAME, "GET", "/payments/" + orderId, "").statusCode()).isEqualTo(404);
        assertThat(world.send(ShippingService.NAME, "GET", "/shipments/" + orderId, "").statusCode()).isEqualTo(404);
    }

    @Test
    void aDeclinedPaymentReleasesTheStockAndCancelsTheOrder() throws Exception {
        // given a limit of 100.00 and 5 units in stock
        world.restock("SKU-3", 5);

        // when an order of 4 x 30.00 = 120.00 is placed
        String orderId = world.placeOrder("SKU-3", 4, "30.00");

        // then
        await().atMost(WAIT).until(() -> world.orderStatus(orderId).equals("CANCELLED"));
        Map<String, Object> saga = world.saga(orderId);
        assertThat(saga).containsEntry("state", "COMPENSATED");
        assertThat((String) saga.get("failure")).isEqualTo("step 'process-payment' failed: reply payment.declined:"
                + " amount 120.00 is above the limit of 100.00");
        assertThat(steps(saga)).containsSubsequence("process-payment", "reserve-inventory", "create-order");
        assertThat(world.available("SKU-3")).isEqualTo(5);
        assertThat(world.getJson(InventoryService.NAME, "/reservations/" + orderId)).containsEntry("status", "RELEASED");
        assertThat(world.getJson(PaymentService.NAME, "/payments/" + orderId))
                .containsEntry("status", "DECLINED").containsEntry("paymentId", null);
        assertThat(world.send(ShippingService.NAME, "GET", "/shipments/" + orderId, "").statusCode()).isEqualTo(404);
    }

    @Test
    void anInvalidOrderIsRefusedNamingEveryField() throws Exception {
        // when
        HttpResponse<String> response = world.send(OrderService.NAME, "POST", "/orders",
                "{\"lines\": [{\"sku\": \" \", \"quantity\": 0, \"unitPrice\": 1.999}]}");

        // then
        assertThat(response.statusCode()).isEqualTo(400);
        Map<String, Object> body = ShopWorld.json(response.body());
        assertThat(body).containsEntry("error", "validation failed");
        assertThat(body.get("fields")).isEqualTo(Map.of(
                "customerId", "must not be blank",
                "shippingAddress", "must not be blank",
                "lines[0].sku", "must not be blank",
                "lines[0].quantity", "must be 1 to 1000",
                "lines[0].unitPrice", "must be a positive amount with at most two decimals, e.g. 19.90"));
        assertThat(world.count(OrderService.NAME, "orders", "true")).isZero();
    }

    @Test
    void anUnknownOrderIsNotFound() throws Exception {
        // when
        HttpResponse<String> response = world.send(OrderService.NAME, "GET", "/orders/no-such-order", "");

        // then
        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(ShopWorld.json(response.body())).containsEntry("error", "no order with id no-such-order");
    }

    @SuppressWarnings("unchecked")
    static List<String> events(Map<String, Object> saga) {
        return ((List<Map<String, Object>>) saga.get("history")).stream().map(t -> (String) t.get("event")).toList();
    }

    @SuppressWarnings("unchecked")
    static List<String> steps(Map<String, Object> saga) {
        return ((List<Map<String, Object>>) saga.get("history")).stream().map(t -> (String) t.get("step")).toList();
    }
}
