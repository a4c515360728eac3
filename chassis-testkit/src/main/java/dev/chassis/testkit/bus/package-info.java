/**
 * The {@link dev.chassis.testkit.bus.EventBusCompatibilityKit}: the promises of
 * {@link dev.chassis.core.bus.EventBus} as one abstract JUnit 5 test class that every event bus
 * implementation runs, so the in-memory bus cannot drift from the RabbitMQ one.
 */
@NullMarked
package dev.chassis.testkit.bus;

import org.jspecify.annotations.NullMarked;
