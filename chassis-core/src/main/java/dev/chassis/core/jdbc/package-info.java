/**
 * JDBC helpers shared by the outbox, the inbox, the event store and the saga store:
 * {@link dev.chassis.core.jdbc.TxRunner} runs work in one transaction on an explicit connection and
 * translates database failures into retryable and non-retryable chassis exceptions. A foundation
 * package.
 */
@NullMarked
package dev.chassis.core.jdbc;

import org.jspecify.annotations.NullMarked;
