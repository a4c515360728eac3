package dev.chassis.examples.order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.chassis.examples.inventory.InventoryService;
import dev.chassis.examples.payment.PaymentService;
import dev.chassis.examples.shipping.ShippingService;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The four services on the local RabbitMQ (an exchange of the test's own) and PostgreSQL: the
 * three outcomes of the saga, and the order service stopped mid-saga and restarted.
 */
class OrderSagaOnRabbitIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private ShopWorld world;

    @AfterEach
    void stop() throws Exception {
        if (world != null) {
            world.close();
        }
    }

    @Test
    void ordersAreConfirmedOrCompensatedOverRabbitMq() throws Exception {
        // given
        world = new ShopWorld(true, Map.of(), Map.of("PAYMENT_DECLINE_ABOVE", "100.00")).startAll();
        world.restock("SKU-A", 10);
        world.restock("SKU-B", 1);

        // when
        String confirmed = world.placeOrder("SKU-A", 2, "10.00");
        String outOfStock = world.placeOrder("SKU-B", 2, "10.00");
        String declined = world.placeOrder("SKU-A", 1, "500.00");

        // then
        await().atMost(WAIT).until(() -> world.orderStatus(confirmed).equals("CONFIRMED")
                && world.orderStatus(outOfStock).equals("CANCELLED") && world.orderStatus(declined).equals("CANCELLED"));
        assertThat((String) world.saga(outOfStock).get("failure")).contains("insufficient stock: SKU-B");
        assertThat((String) world.saga(declined).get("failure")).contains("amount 500.00 is above the limit of 100.00");
        assertThat(world.available("SKU-A")).isEqualTo(8);
        assertThat(world.available("SKU-B")).isEqualTo(1);
        assertThat(world.count(PaymentService.NAME, "payments", "status = 'CHARGED'")).isEqualTo(1);
        assertThat(world.count(ShippingService.NAME, "shipments", "true")).isEqualTo(1);
    }

    @Test
    void theOrderServiceStoppedMidSagaResumesOverRabbitMqWithEachEffectOnce() throws Exception {
        // given an order waiting for its payment, with the payment service down
        world = new ShopWorld(true, Map.of(), Map.of()).startAll();
        world.restock("SKU-C", 10);
        world.crash(PaymentService.NAME);
        String orderId = world.placeOrder("SKU-C", 3, "7.00");
        await().atMost(WAIT).until(() -> "process-payment".equals(world.saga(orderId).get("step")));

        // when the order service stops, the payment service answers into its queue, and it restarts
        world.crash(OrderService.NAME);
        world.start(PaymentService.NAME);
        await().atMost(WAIT).until(() -> world.count(PaymentService.NAME, "payments", "status = 'CHARGED'") == 1);
        world.start(OrderService.NAME);

        // then
        await().atMost(WAIT).until(() -> world.orderStatus(orderId).equals("CONFIRMED"));
        assertThat(world.available("SKU-C")).isEqualTo(7);
        assertThat(world.count(InventoryService.NAME, "reservations", "true")).isEqualTo(1);
        assertThat(world.count(PaymentService.NAME, "payments", "amount = 21.00")).isEqualTo(1);
        assertThat(world.count(ShippingService.NAME, "shipments", "true")).isEqualTo(1);
    }
}
