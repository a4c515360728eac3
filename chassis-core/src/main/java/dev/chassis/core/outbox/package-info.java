/**
 * The transactional outbox's storage SPI: {@link dev.chassis.core.outbox.OutboxStore} is what a
 * relay needs from the place where outbox messages are kept (read committed unsent messages in order,
 * mark them sent, purge old sent ones, report the backlog, park messages the bus keeps refusing),
 * with the values
 * {@link dev.chassis.core.outbox.OutboxMessage}, {@link dev.chassis.core.outbox.OutboxRecord} and
 * {@link dev.chassis.core.outbox.ParkedMessage}.
 * The PostgreSQL and in-memory implementations and the relay live in {@code chassis-messaging}; the
 * testkit's {@code OutboxStoreCompatibilityKit} keeps them alike. A feature package: it builds on
 * the foundation ({@code envelope}) only.
 */
@NullMarked
package dev.chassis.core.outbox;

import org.jspecify.annotations.NullMarked;
