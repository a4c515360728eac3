/**
 * The order service: {@code POST /orders} places an order and starts the order saga (create the
 * order, reserve inventory, process the payment, schedule shipping, confirm the order; on failure
 * cancel the shipment, refund, release the inventory and cancel the order), {@code GET /orders/{id}}
 * shows the order's status with the saga's history. The saga runs on the chassis orchestrator with
 * a PostgreSQL saga store; its commands leave through the transactional outbox and the replies come
 * back over the event bus. {@link dev.chassis.examples.order.OrderService} starts it in-process,
 * {@link dev.chassis.examples.order.OrderMain} as its own process.
 */
@NullMarked
package dev.chassis.examples.order;

import org.jspecify.annotations.NullMarked;
