/**
 * The {@link dev.chassis.testkit.outbox.OutboxStoreCompatibilityKit}: the promises of
 * {@link dev.chassis.core.outbox.OutboxStore} as one abstract JUnit 5 test class that every outbox
 * store runs, so the in-memory store cannot drift from the PostgreSQL one.
 */
@NullMarked
package dev.chassis.testkit.outbox;

import org.jspecify.annotations.NullMarked;
