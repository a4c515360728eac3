/**
 * The transactional outbox: {@link dev.chassis.messaging.outbox.Outbox} writes messages into the
 * {@code chassis_outbox} table in the caller's own transaction, and
 * {@link dev.chassis.messaging.outbox.OutboxRelay} publishes the committed ones through an
 * {@link dev.chassis.core.bus.EventBus}, in order per ordering key, marking them sent only after the
 * broker confirmed; a message the bus keeps refusing is parked after {@code maxAttempts} and
 * reported until requeued. {@link dev.chassis.messaging.outbox.OutboxSchema} creates or upgrades the table;
 * {@link dev.chassis.messaging.outbox.InMemoryOutbox} is the embedded default without a database.
 * The JDBC outbox needs the PostgreSQL driver ({@code org.postgresql:postgresql}) on the
 * application's class path. See {@code docs/outbox-inbox.md}.
 */
@NullMarked
package dev.chassis.messaging.outbox;

import org.jspecify.annotations.NullMarked;
