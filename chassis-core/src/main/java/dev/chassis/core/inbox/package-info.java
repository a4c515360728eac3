/**
 * The idempotent inbox SPI: an {@link dev.chassis.core.inbox.InboxStore} remembers which message ids
 * a consumer has already handled, inside the same transaction as the handler's effects, so a message
 * delivered again (delivery is at least once) has no second effect. The {@code Inbox} that wraps
 * event handlers, and the JDBC and in-memory stores, live in {@code chassis-messaging}. A feature
 * package: it builds only on the foundation packages.
 */
@NullMarked
package dev.chassis.core.inbox;

import org.jspecify.annotations.NullMarked;
