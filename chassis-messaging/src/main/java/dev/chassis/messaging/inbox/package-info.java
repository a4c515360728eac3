/**
 * The idempotent inbox: {@link dev.chassis.messaging.inbox.Inbox} wraps a handler so that its
 * database effects and the record of the message id commit in one transaction, turning at-least-once
 * delivery into exactly-once effects. {@link dev.chassis.messaging.inbox.JdbcInboxStore} keeps the
 * records in PostgreSQL ({@link dev.chassis.messaging.inbox.InboxSchema} creates the table),
 * {@link dev.chassis.messaging.inbox.InMemoryInboxStore} in memory (the embedded default), and
 * {@link dev.chassis.messaging.inbox.InboxPurger} keeps the table bounded. See docs/outbox-inbox.md.
 */
@NullMarked
package dev.chassis.messaging.inbox;

import org.jspecify.annotations.NullMarked;
