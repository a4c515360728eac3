package dev.chassis.core.saga;

import dev.chassis.core.MutableClock;
import dev.chassis.core.NonRetryableException;
import dev.chassis.core.envelope.Envelope;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * The seed's order saga and simulated participants: order.created -> reserve inventory ->
 * inventory.reserved -> process payment -> payment.processed -> confirm order + schedule shipping;
 * compensations release the inventory and cancel the order. Participants dedupe by the saga
 * idempotency key (as they would with the inbox) and count their business effects per order, so
 * tests can check that every effect happened once.
 */
final class OrderSagaWorld {
    /** The saga data. */
    record Order(String orderId, int quantity, long amountCents, @Nullable String reservationId,
            @Nullable String paymentId) {
        Order(String orderId, int quantity, long amountCents) {
            this(orderId, quantity, amountCents, null, null);
        }

        Order withReservation(String id) {
            return new Order(orderId, quantity, amountCents, id, paymentId);
        }

        Order withPayment(String id) {
            return new Order(orderId, quantity, amountCents, reservationId, id);
        }
    }

    final MutableClock clock = MutableClock.startingAt("2026-01-01T00:00:00Z");
    /** What the store hands on after saves: the "broker". */
    final Queue<SagaMessage> outbox = new ConcurrentLinkedQueue<>();
    final InMemorySagaStore store = InMemorySagaStore.create(clock, outbox::add);
    final Participant inventory = new Participant("inventory");
    final Participant payments = new Participant("payments");
    final Participant orders = new Participant("orders");
    final Participant shipping = new Participant("shipping");
    /** How many times the release command is answered with a failure before it succeeds. */
    final AtomicInteger releaseFailures = new AtomicInteger();
    /** How many times cancelling the order throws before it succeeds. */
    final AtomicInteger cancelFailures = new AtomicInteger();
    volatile boolean inventoryAnswers = true;
    volatile boolean declinePayments;
    final SagaDefinition<Order> definition = definition(1);

    SagaDefinition<Order> definition(int version) {
        return SagaDefinition.builder("order-saga", Order.class)
                .version(version)
                .step("register-order", step -> step
                        .action(SagaAction.call((order, key) -> {
                            orders.effect(key, order.orderId(), "pending");
                            return order;
                        }))
                        .compensation(SagaAction.call((order, key) -> {
                            if (cancelFailures.getAndDecrement() > 0) {
                                throw new IllegalStateException("order service unavailable");
                            }
                            orders.effect(key, order.orderId(), "cancelled");
                            return order;
                        }))
                        .retry(SagaRetry.of(4, Duration.ofSeconds(1))))
                .step("reserve-inventory", step -> step
                        .action(SagaAction.command(
                                order -> SagaCommand.of("inventory", "inventory.reserve", order),
                                (order, reply) -> order.withReservation(reply.dataAs(Map.class).get("reservationId").toString())))
                        .compensation(SagaAction.command(
                                order -> SagaCommand.of("inventory", "inventory.release", order)))
                        .timeout(Duration.ofSeconds(10))
                        .retry(SagaRetry.of(4, Duration.ofSeconds(1))))
                .step("process-payment", step -> step
                        .action(SagaAction.command(
                                order -> SagaCommand.of("payments", "payment.process", order),
                                (order, reply) -> order.withPayment(reply.dataAs(Map.class).get("paymentId").toString())))
                        .timeout(Duration.ofSeconds(10))
                        .retry(SagaRetry.none()))
                .step("confirm-order", step -> step
                        .action(SagaAction.call((order, key) -> {
                            orders.effect(key, order.orderId(), "confirmed");
                            return order;
                        })))
                .step("schedule-shipping", step -> step
                        .action(SagaAction.call((order, key) -> {
                            if (order.paymentId() == null || order.reservationId() == null) {
                                throw new NonRetryableException("cannot ship an unpaid or unreserved order");
                            }
                            shipping.effect(key, order.orderId(), "scheduled");
                            return order;
                        })))
                .build();
    }

    SagaOrchestrator orchestrator(String owner) {
        return SagaOrchestrator.builder(store).definition(definition).clock(clock).owner(owner).build();
    }

    /** The participants' side: handles a command, returns its reply (empty if it does not answer). */
    Optional<Envelope> handle(SagaMessage message) {
        Envelope command = message.envelope();
        String key = SagaEnvelopes.idempotencyKey(command).orElseThrow();
        Order order = command.dataAs(Order.class);
        switch (command.type()) {
            case "inventory.reserve" -> {
                if (!inventoryAnswers) {
                    inventory.effect(key, order.orderId(), "reserved");
                    return Optional.empty();
                }
                inventory.effect(key, order.orderId(), "reserved");
                return Optional.of(SagaEnvelopes.replyTo(command).source("/inventory").type("inventory.reserved")
                        .data(Map.of("reservationId", "r-" + order.orderId())).build());
            }
            case "inventory.release" -> {
                if (releaseFailures.getAndDecrement() > 0) {
                    return Optional.of(SagaEnvelopes.failureReplyTo(command, "inventory database locked")
                            .source("/inventory").type("inventory.release-failed").build());
                }
                inventory.effect(key, order.orderId(), "released");
                return Optional.of(SagaEnvelopes.replyTo(command).source("/inventory").type("inventory.released").build());
            }
            case "payment.process" -> {
                if (declinePayments) {
                    return Optional.of(SagaEnvelopes.failureReplyTo(command, "card declined")
                            .source("/payments").type("payment.declined").build());
                }
                payments.effect(key, order.orderId(), "charged");
                return Optional.of(SagaEnvelopes.replyTo(command).source("/payments").type("payment.processed")
                        .data(Map.of("paymentId", "p-" + order.orderId())).build());
            }
            default -> throw new IllegalArgumentException("unexpected command " + command);
        }
    }

    /** Delivers every queued command and its reply until nothing is left; returns the replies delivered. */
    List<Envelope> pump(SagaOrchestrator orchestrator) {
        List<Envelope> replies = new ArrayList<>();
        SagaMessage message;
        while ((message = outbox.poll()) != null) {
            Optional<Envelope> reply = handle(message);
            reply.ifPresent(r -> {
                replies.add(r);
                orchestrator.onReply(r);
            });
        }
        return replies;
    }

    /** Moves the clock and runs due sagas and the resulting messages, until nothing more is due. */
    void advance(SagaOrchestrator orchestrator, Duration by) {
        clock.advance(by);
        while (orchestrator.runDue() > 0) {
            pump(orchestrator);
        }
        pump(orchestrator);
    }

    SagaState state(String sagaId) {
        return store.find(sagaId).orElseThrow().state();
    }

    /** Business-level effects per order, deduplicated by idempotency key like an inbox. */
    static final class Participant {
        final String name;
        private final Set<String> handledKeys = ConcurrentHashMap.newKeySet();
        /** effect name -> order id -> how many times it happened. */
        final Map<String, Map<String, AtomicInteger>> effects = new ConcurrentHashMap<>();
        final AtomicInteger duplicatesDropped = new AtomicInteger();
        /** idempotency key -> how many times the participant was asked, before deduplication. */
        final Map<String, AtomicInteger> deliveries = new ConcurrentHashMap<>();

        Participant(String name) {
            this.name = name;
        }

        synchronized void effect(String key, String orderId, String what) {
            deliveries.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
            if (!handledKeys.add(key)) {
                duplicatesDropped.incrementAndGet();
                return;
            }
            effects.computeIfAbsent(what, w -> new ConcurrentHashMap<>())
                    .computeIfAbsent(orderId, o -> new AtomicInteger()).incrementAndGet();
        }

        int count(String what, String orderId) {
            AtomicInteger n = effects.getOrDefault(what, Map.of()).get(orderId);
            return n == null ? 0 : n.get();
        }

        /** Effects that happened more than once for one order. */
        int duplicateEffects() {
            int dup = 0;
            for (Map<String, AtomicInteger> perOrder : effects.values()) {
                for (AtomicInteger n : perOrder.values()) {
                    dup += Math.max(0, n.get() - 1);
                }
            }
            return dup;
        }

        Set<String> orders(String what) {
            return new HashSet<>(effects.getOrDefault(what, Map.of()).keySet());
        }
    }

    /** The most times one step execution (idempotency key) reached a participant. */
    int maxDeliveriesPerKey() {
        int max = 0;
        for (Participant p : List.of(inventory, payments, orders, shipping)) {
            for (AtomicInteger n : p.deliveries.values()) {
                max = Math.max(max, n.get());
            }
        }
        return max;
    }

    int duplicateEffects() {
        return inventory.duplicateEffects() + payments.duplicateEffects() + orders.duplicateEffects()
                + shipping.duplicateEffects();
    }
}
