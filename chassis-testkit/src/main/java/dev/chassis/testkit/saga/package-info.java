/**
 * The {@link dev.chassis.testkit.saga.SagaStoreCompatibilityKit}: the promises of
 * {@link dev.chassis.core.saga.SagaStore} as one abstract JUnit 5 test class that every saga store
 * runs, so the in-memory store cannot drift from the PostgreSQL one.
 */
@NullMarked
package dev.chassis.testkit.saga;

import org.jspecify.annotations.NullMarked;
