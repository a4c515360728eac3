/**
 * Projections: read models that follow an {@link dev.chassis.core.eventsourcing.EventStore}.
 *
 * <p>A {@link dev.chassis.core.eventsourcing.projection.Projection} updates its read model from each
 * event; a {@link dev.chassis.core.eventsourcing.projection.ProjectorRunner} feeds it the store-wide
 * order in batches on a thread of its own; a
 * {@link dev.chassis.core.eventsourcing.projection.CheckpointStore} keeps how far it got, updating the
 * checkpoint in the same transaction as the read model ({@link
 * dev.chassis.core.eventsourcing.projection.JdbcCheckpointStore} on PostgreSQL, {@link
 * dev.chassis.core.eventsourcing.projection.InMemoryCheckpointStore} for tests). The checkpoint row is
 * locked while a batch is applied, so several instances of one service may run the same projection:
 * each event is applied once. A failing event is retried with backoff and never skipped.
 *
 * <pre>{@code
 * ProjectorRunner runner = ProjectorRunner.builder(new OrderTotals(), eventStore,
 *         JdbcCheckpointStore.of(TxRunner.of(dataSource))).build();
 * lifecycle.add(runner);
 * }</pre>
 *
 * <p>Part of the {@code eventsourcing} feature: it builds on the foundation packages ({@code jdbc},
 * {@code lifecycle}) only.
 */
@NullMarked
package dev.chassis.core.eventsourcing.projection;

import org.jspecify.annotations.NullMarked;
