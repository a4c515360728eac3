/**
 * Health checks and the liveness and readiness endpoints.
 *
 * <p>A {@link dev.chassis.core.health.HealthCheck} is a named probe of kind
 * {@link dev.chassis.core.health.HealthCheck.Kind#LIVENESS} (is this process able to work at all?)
 * or {@link dev.chassis.core.health.HealthCheck.Kind#READINESS} (can it take traffic now: database,
 * broker, registry reachable?). A {@link dev.chassis.core.health.HealthRegistry} runs them in
 * parallel with a timeout, caches the results briefly and serves {@code GET /health} and
 * {@code GET /ready} through the admin server. Its readiness switch lets the shutdown sequence take
 * the service out of load balancing before anything closes.
 *
 * <pre>{@code
 * HealthRegistry health = HealthRegistry.builder()
 *         .check(HealthChecks.dataSource("db", dataSource))
 *         .build();
 * lifecycle.onShutdown(ShutdownPhase.READINESS_DOWN, "readiness", health::markShuttingDown);
 * AdminServer.builder().routes(health.adminRoutes()).build().start();
 * }</pre>
 *
 * <p>A feature package: it builds on {@code admin} and {@code json}.
 */
@NullMarked
package dev.chassis.core.health;

import org.jspecify.annotations.NullMarked;
