/**
 * The RabbitMQ and in-memory `EventBus`, the transactional outbox with its relay, and the idempotent inbox.
 */
@NullMarked
package dev.chassis.messaging;

import org.jspecify.annotations.NullMarked;
