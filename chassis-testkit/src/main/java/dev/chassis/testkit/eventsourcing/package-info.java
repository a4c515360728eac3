/**
 * The {@link dev.chassis.testkit.eventsourcing.EventStoreCompatibilityKit}: the promises of
 * {@link dev.chassis.core.eventsourcing.EventStore} as one abstract JUnit 5 test class that every event
 * store runs, so the in-memory store cannot drift from the PostgreSQL one.
 */
@NullMarked
package dev.chassis.testkit.eventsourcing;

import org.jspecify.annotations.NullMarked;
