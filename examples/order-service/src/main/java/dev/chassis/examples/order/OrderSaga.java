package dev.chassis.examples.order;

import static java.util.Objects.requireNonNull;

import dev.chassis.core.envelope.Envelope;
import dev.chassis.core.saga.SagaAction;
import dev.chassis.core.saga.SagaCommand;
import dev.chassis.core.saga.SagaDefinition;
import dev.chassis.core.saga.SagaRetry;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The order saga, {@value #TYPE} version 1:
 *
 * <ol>
 *   <li>{@code create-order}: the order is recorded PENDING (a call; compensation: cancel it);</li>
 *   <li>{@code reserve-inventory}: {@code inventory.reserve}, answered {@code inventory.reserved} or
 *       refused for lack of stock (compensation: {@code inventory.release});</li>
 *   <li>{@code process-payment}: {@code payment.process}, answered {@code payment.processed} or
 *       declined (compensation: {@code payment.refund});</li>
 *   <li>{@code schedule-shipping}: {@code shipping.schedule} (compensation: {@code shipping.cancel});</li>
 *   <li>{@code confirm-order}: the order becomes CONFIRMED (a call). It comes last, so a confirmed
 *       order is never cancelled afterwards.</li>
 * </ol>
 *
 * <p>Each command goes to the topic named like its type, and participants answer on
 * {@value #REPLY_TOPIC}. Stateless; the definition is immutable and thread-safe.
 */
public final class OrderSaga {
    /** The saga type, persisted with every saga. */
    public static final String TYPE = "order-saga";
    /** The topic every participant replies on. */
    public static final String REPLY_TOPIC = "order-saga.reply";
    private static final Logger log = LoggerFactory.getLogger(OrderSaga.class);

    private OrderSaga() {
    }

    /**
     * The saga id of an order: derived from the order id, so one order never gets two sagas.
     *
     * @param orderId the order's id
     * @return {@code order-<orderId>}
     */
    public static String sagaId(String orderId) {
        return "order-" + requireNonNull(orderId, "orderId");
    }

    /**
     * The definition.
     *
     * @param orders the order table the call steps write to
     * @param timeout how long a command step waits for its reply before it is resent
     * @param retry how often and how fast a step is retried, or resent after its timeout
     * @return the definition
     */
    public static SagaDefinition<OrderSagaData> definition(Orders orders, Duration timeout, SagaRetry retry) {
        requireNonNull(orders, "orders");
        requireNonNull(timeout, "timeout");
        requireNonNull(retry, "retry");
        return SagaDefinition.builder(TYPE, OrderSagaData.class)
                .version(1)
                .step("create-order", step -> step
                        .action(SagaAction.call((order, key) -> {
                            if (orders.create(order)) {
                                log.info("order {} placed by {}: total {}", order.orderId(), order.customerId(),
                                        order.total());
                            }
                            return order;
                        }))
                        .compensation(SagaAction.call((order, key) -> {
                            if (orders.cancel(order.orderId())) {
                                log.info("order {} cancelled", order.orderId());
                            }
                            return order;
                        }))
                        .retry(retry))
                .step("reserve-inventory", step -> step
                        .action(SagaAction.command(
                                order -> command("inventory.reserve", Map.of("orderId", order.orderId(),
                                        "lines", stockLines(order))),
                                (order, reply) -> order.withReservation(field(reply, "reservationId"))))
                        .compensation(SagaAction.command(
                                order -> command("inventory.release", Map.of("orderId", order.orderId()))))
                        .timeout(timeout).retry(retry))
                .step("process-payment", step -> step
                        .action(SagaAction.command(
                                order -> command("payment.process", Map.of("orderId", order.orderId(),
                                        "customerId", order.customerId(), "amount", amount(order))),
                                (order, reply) -> order.withPayment(field(reply, "paymentId"))))
                        .compensation(SagaAction.command(
                                order -> command("payment.refund", Map.of("orderId", order.orderId()))))
                        .timeout(timeout).retry(retry))
                .step("schedule-shipping", step -> step
                        .action(SagaAction.command(
                                order -> command("shipping.schedule", Map.of("orderId", order.orderId(),
                                        "address", order.shippingAddress())),
                                (order, reply) -> order.withShipment(field(reply, "shipmentId"))))
                        .compensation(SagaAction.command(
                                order -> command("shipping.cancel", Map.of("orderId", order.orderId()))))
                        .timeout(timeout).retry(retry))
                .step("confirm-order", step -> step
                        .action(SagaAction.call((order, key) -> {
                            if (orders.confirm(order)) {
                                log.info("order {} confirmed: payment {}, shipment {}", order.orderId(),
                                        order.paymentId(), order.shipmentId());
                            }
                            return order;
                        }))
                        .retry(retry))
                .build();
    }

    /** Money travels as a decimal string with two places, so no JSON reader turns it into a double. */
    private static String amount(OrderSagaData order) {
        return order.total().setScale(2, RoundingMode.UNNECESSARY).toPlainString();
    }

    private static SagaCommand command(String type, Object payload) {
        return SagaCommand.of(type, type, payload);
    }

    private static List<Map<String, Object>> stockLines(OrderSagaData order) {
        return order.lines().stream().map(line -> {
            Map<String, Object> stock = new LinkedHashMap<>();
            stock.put("sku", line.sku());
            stock.put("quantity", line.quantity());
            return stock;
        }).toList();
    }

    private static String field(Envelope reply, String name) {
        Object value = reply.dataAs(Map.class).get(name);
        if (value == null) {
            throw new IllegalArgumentException("reply " + reply.type() + " " + reply.id() + " lacks '" + name + "'");
        }
        return value.toString();
    }
}
