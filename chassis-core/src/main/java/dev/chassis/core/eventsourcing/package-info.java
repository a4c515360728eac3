/**
 * Event sourcing: an {@link dev.chassis.core.eventsourcing.EventStore} of versioned streams with
 * optimistic concurrency and a gap-safe store-wide order, aggregates rebuilt by replay, snapshots,
 * schema evolution by upcasting, and (in {@code .projection}) projectors that follow the store with a
 * persisted checkpoint. PostgreSQL and in-memory stores behind the same interfaces; the testkit's
 * compatibility kits keep them alike. A feature package: it builds on the foundation ({@code json},
 * {@code jdbc}) only. See {@code docs/event-sourcing.md}.
 */
@NullMarked
package dev.chassis.core.eventsourcing;

import org.jspecify.annotations.NullMarked;
