/**
 * Sagas: long-running business transactions across services as an ordered list of steps, each with
 * an action and an optional compensation, driven by an orchestrator that persists every transition
 * (in a {@link dev.chassis.core.saga.SagaStore}) together with the commands it sends, so a saga
 * survives crashes, times out on persisted deadlines, and compensates completed steps in reverse
 * order when a step fails or the saga is cancelled. A feature package: it builds on the foundation
 * ({@code envelope}, {@code json}, {@code jdbc}, {@code context}, {@code admin}, {@code lifecycle})
 * only. See {@code docs/sagas.md}.
 */
@NullMarked
package dev.chassis.core.saga;

import org.jspecify.annotations.NullMarked;
