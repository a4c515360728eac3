package dev.chassis.examples.order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.chassis.examples.inventory.InventoryService;
import dev.chassis.examples.payment.PaymentService;
import dev.chassis.examples.shipping.ShippingService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Services stopped abruptly in the middle of order sagas and restarted on the same databases: every
 * order still ends confirmed or cancelled, and every effect (units reserved, amounts charged,
 * shipments) happens once.
 */
class OrderSagaCrashIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private ShopWorld world;

    @AfterEach
    void stop() throws Exception {
        world.close();
    }

    @Test
    void theOrderServiceStoppedWhileAwaitingThePaymentResumesAfterARestart() throws Exception {
        // given an order whose payment is pending: the payment service is down
        world = new ShopWorld(Map.of(), Map.of()).startAll();
        world.restock("SKU-C", 10);
        world.crash(PaymentService.NAME);
        String orderId = world.placeOrder("SKU-C", 2, "25.00");
        await().atMost(WAIT).until(() -> "process-payment".equals(world.saga(orderId).get("step")));
        assertThat(world.available("SKU-C")).isEqualTo(8);

        // when the order service stops abruptly, the payment service comes back and answers while
        // the order service is down, and the order service restarts on its database
        world.crash(OrderService.NAME);
        world.start(PaymentService.NAME);
        await().atMost(WAIT).until(() -> world.count(PaymentService.NAME, "payments", "status = 'CHARGED'") == 1);
        world.start(OrderService.NAME);

        // then the restarted orchestrator picks up the reply and finishes the saga
        await().atMost(WAIT).until(() -> world.orderStatus(orderId).equals("CONFIRMED"));
        assertThat(world.saga(orderId)).containsEntry("state", "COMPLETED");
        assertThat(world.available("SKU-C")).isEqualTo(8);
        assertThat(world.count(InventoryService.NAME, "reservations", "true")).isEqualTo(1);
        assertThat(world.count(PaymentService.NAME, "payments", "status = 'CHARGED' AND amount = 50.00")).isEqualTo(1);
        assertThat(world.count(ShippingService.NAME, "shipments", "status = 'SCHEDULED'")).isEqualTo(1);
    }

    @Test
    void aPaymentServiceDownPastTheStepTimeoutChargesOnceForTheResentCommand() throws Exception {
        // given a 1 second step timeout and the payment service down
        world = new ShopWorld(Map.of("ORDER_SAGA_STEP_TIMEOUT", "1s", "ORDER_SAGA_STEP_ATTEMPTS", "10"), Map.of())
                .startAll();
        world.restock("SKU-T", 10);
        world.crash(PaymentService.NAME);

        // when the payment command times out and is resent before the service comes back
        String orderId = world.placeOrder("SKU-T", 1, "12.50");
        await().atMost(WAIT).until(() -> OrderSagaInProcessIT.events(world.saga(orderId)).stream()
                .filter("timed-out"::equals).count() >= 2);
        world.start(PaymentService.NAME);

        // then both deliveries carry one idempotency key: one charge, and the saga completes
        await().atMost(WAIT).until(() -> world.orderStatus(orderId).equals("CONFIRMED"));
        assertThat(world.count(PaymentService.NAME, "payments", "true")).isEqualTo(1);
        assertThat(world.count(PaymentService.NAME, "payments", "status = 'CHARGED' AND amount = 12.50")).isEqualTo(1);
        assertThat(world.count(PaymentService.NAME, "chassis_inbox", "true")).isEqualTo(1);
        assertThat(world.available("SKU-T")).isEqualTo(9);
    }

    @Test
    void ordersInFlightWhenTheOrderServiceCrashesAllEndConfirmedOrCancelledWithEffectsOnce() throws Exception {
        // given 20 orders of 1 unit each, every fourth above the payment limit of 100.00, and the
        // shipping service down, so that every order the payment accepts waits for its shipment
        world = new ShopWorld(Map.of(), Map.of("PAYMENT_DECLINE_ABOVE", "100.00")).startAll();
        int stock = 100;
        world.restock("SKU-F", stock);
        world.crash(ShippingService.NAME);
        List<String> orders = new ArrayList<>();
        int sagas = 20;
        int declined = 0;
        for (int i = 0; i < sagas; i++) {
            boolean aboveLimit = i % 4 == 3;
            declined += aboveLimit ? 1 : 0;
            orders.add(world.placeOrder("SKU-F", 1, aboveLimit ? "150.00" : "10.00"));
        }
        int accepted = sagas - declined;
        await().atMost(WAIT).until(() -> world.count(PaymentService.NAME, "payments", "status = 'CHARGED'") == accepted);

        // when the order service crashes with those sagas in flight, shipping comes back, and the
        // order service restarts
        long inFlight = world.count(OrderService.NAME, "orders", "status = 'PENDING'");
        world.crash(OrderService.NAME);
        world.start(ShippingService.NAME);
        world.start(OrderService.NAME);

        // then
        await().atMost(WAIT).until(() -> world.count(OrderService.NAME, "orders", "status = 'PENDING'") == 0);
        long confirmed = world.count(OrderService.NAME, "orders", "status = 'CONFIRMED'");
        long cancelled = world.count(OrderService.NAME, "orders", "status = 'CANCELLED'");
        long charged = world.count(PaymentService.NAME, "payments", "status = 'CHARGED'");
        long reserved = world.count(InventoryService.NAME, "reservations", "status = 'RESERVED'");
        long released = world.count(InventoryService.NAME, "reservations", "status = 'RELEASED'");
        long shipped = world.count(ShippingService.NAME, "shipments", "status = 'SCHEDULED'");
        long unitsTaken = stock - world.available("SKU-F");
        long duplicateEffects = (charged - confirmed) + (reserved - confirmed) + (shipped - confirmed)
                + (unitsTaken - confirmed);
        System.out.println("[order saga crash] sagas=" + sagas + " inFlightAtCrash=" + inFlight + " confirmed="
                + confirmed + " cancelled=" + cancelled + " charged=" + charged + " released=" + released
                + " shipped=" + shipped + " unitsTaken=" + unitsTaken + " lost=" + (sagas - confirmed - cancelled)
                + " duplicateEffects=" + duplicateEffects);
        assertThat(inFlight).isGreaterThanOrEqualTo(accepted);
        assertThat(confirmed).isEqualTo(accepted);
        assertThat(cancelled).isEqualTo(declined);
        assertThat(charged).isEqualTo(confirmed);
        assertThat(reserved).isEqualTo(confirmed);
        assertThat(released).isEqualTo(declined);
        assertThat(shipped).isEqualTo(confirmed);
        assertThat(unitsTaken).isEqualTo(confirmed);
        assertThat(duplicateEffects).isZero();
        for (String orderId : orders) {
            assertThat(world.saga(orderId).get("state")).as(orderId).isIn("COMPLETED", "COMPENSATED");
        }
    }
}
