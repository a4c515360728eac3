/**
 * Ordered start and stop of components, and the graceful shutdown sequence.
 *
 * <p>A {@link dev.chassis.core.lifecycle.Lifecycle} starts its
 * {@link dev.chassis.core.lifecycle.LifecycleComponent}s in order and, on shutdown, runs hooks in
 * the {@link dev.chassis.core.lifecycle.ShutdownPhase}s readiness down, deregister, drain and
 * close, within an overall deadline, stopping the components in reverse order in the close phase.
 *
 * <p>A foundation package: it depends on nothing else in the chassis but the exception root.
 * Feature packages plug into it with method references, e.g.
 * {@code lifecycle.onShutdown(ShutdownPhase.READINESS_DOWN, "readiness", health::markShuttingDown)}.
 */
@NullMarked
package dev.chassis.core.lifecycle;

import org.jspecify.annotations.NullMarked;
