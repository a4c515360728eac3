/**
 * The chassis core: the exception hierarchy shared by every module.
 *
 * <p>Feature packages ({@code resilience}, {@code health}, and later {@code bus}, {@code saga},
 * {@code eventsourcing}) build on foundation packages ({@code envelope}, {@code json},
 * {@code context}, {@code config}, {@code admin}, {@code lifecycle}) and never on each other.
 */
@NullMarked
package dev.chassis.core;

import org.jspecify.annotations.NullMarked;
