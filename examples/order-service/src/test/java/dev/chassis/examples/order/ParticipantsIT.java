package dev.chassis.examples.order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.chassis.core.bus.Subscription;
import dev.chassis.core.envelope.Envelope;
import dev.chassis.core.saga.SagaEnvelopes;
import dev.chassis.examples.inventory.InventoryService;
import dev.chassis.examples.payment.PaymentService;
import dev.chassis.messaging.InMemoryEventBus;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The participants on their own, fed saga commands by hand: a redelivered or resent command has no
 * second effect and gets the same answer; a compensation that overtakes its action blocks it.
 */
class ParticipantsIT {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private final List<Envelope> replies = new CopyOnWriteArrayList<>();
    private ShopWorld world;
    private InMemoryEventBus probe;

    @BeforeEach
    void start() throws Exception {
        world = new ShopWorld(Map.of(), Map.of("PAYMENT_DECLINE_ABOVE", "100.00"));
        world.start(InventoryService.NAME);
        world.start(PaymentService.NAME);
        probe = world.probe();
        probe.subscribe(Subscription.builder("probe.replies").topic(OrderSaga.REPLY_TOPIC)
                .handler(delivery -> replies.add(delivery.envelope())).build());
    }

    @AfterEach
    void stop() throws Exception {
        world.close();
    }

    @Test
    void aRedeliveredAndAResentReservationHoldTheUnitsOnceAndAreAnsweredAlike() throws Exception {
        // given
        world.restock("SKU-R", 5);
        Map<String, Object> reserve = Map.of("orderId", "o-1", "lines", List.of(Map.of("sku", "SKU-R", "quantity", 2)));
        Envelope first = command("o-1", "reserve-inventory", SagaEnvelopes.ACTION, "inventory.reserve", 1, reserve);

        // when it is delivered twice, then resent after a timeout (same key, new id)
        send(first);
        send(first);
        send(command("o-1", "reserve-inventory", SagaEnvelopes.ACTION, "inventory.reserve", 2, reserve));

        // then
        await().atMost(WAIT).until(() -> replies.size() == 3);
        assertThat(replies).extracting(Envelope::type).containsOnly("inventory.reserved");
        assertThat(replies).extracting(Envelope::dataText).containsOnly(replies.get(0).dataText());
        assertThat(replies).extracting(r -> SagaEnvelopes.failure(r).isPresent()).containsOnly(false);
        assertThat(world.available("SKU-R")).isEqualTo(3);
        assertThat(world.count(InventoryService.NAME, "reservations", "true")).isEqualTo(1);
    }

    @Test
    void aReleaseThatOvertakesItsReservationBlocksTheLateReservation() throws Exception {
        // given
        world.restock("SKU-L", 5);

        // when the compensation arrives before the action
        send(command("o-2", "reserve-inventory", SagaEnvelopes.COMPENSATION, "inventory.release", 1,
                Map.of("orderId", "o-2")));
        await().atMost(WAIT).until(() -> replies.size() == 1);
        send(command("o-2", "reserve-inventory", SagaEnvelopes.ACTION, "inventory.reserve", 1,
                Map.of("orderId", "o-2", "lines", List.of(Map.of("sku", "SKU-L", "quantity", 1)))));

        // then the release is answered, the late reservation is refused, and the stock is untouched
        await().atMost(WAIT).until(() -> replies.size() == 2);
        assertThat(replies.get(0).type()).isEqualTo("inventory.released");
        assertThat(SagaEnvelopes.failure(replies.get(1))).contains("order o-2 was released before it was reserved");
        assertThat(world.available("SKU-L")).isEqualTo(5);
    }

    @Test
    void aDeclinedPaymentIsDeclinedAgainWhenRedeliveredWithoutASecondRow() throws Exception {
        // given
        Envelope charge = command("o-3", "process-payment", SagaEnvelopes.ACTION, "payment.process", 1,
                Map.of("orderId", "o-3", "customerId", "c-3", "amount", "100.01"));

        // when
        send(charge);
        send(charge);

        // then
        await().atMost(WAIT).until(() -> replies.size() == 2);
        assertThat(replies).extracting(r -> SagaEnvelopes.failure(r).orElseThrow())
                .containsOnly("amount 100.01 is above the limit of 100.00");
        assertThat(world.count(PaymentService.NAME, "payments", "status = 'DECLINED'")).isEqualTo(1);
    }

    private void send(Envelope command) {
        probe.publish(command.type(), command).toCompletableFuture().join();
    }

    /** A command as the orchestrator sends it: the saga extensions, an id per attempt. */
    private static Envelope command(String orderId, String step, String phase, String type, int attempt, Object data) {
        String sagaId = OrderSaga.sagaId(orderId);
        String key = SagaEnvelopes.idempotencyKey(sagaId, step, phase);
        return Envelope.builder().id(key + ":" + attempt).source("/order-service").type(type).subject(sagaId)
                .extension(SagaEnvelopes.SAGA_ID, sagaId).extension(SagaEnvelopes.SAGA_STEP, step)
                .extension(SagaEnvelopes.SAGA_PHASE, phase).extension(SagaEnvelopes.SAGA_KEY, key)
                .extension(SagaEnvelopes.SAGA_ATTEMPT, attempt).data(data).build();
    }
}
