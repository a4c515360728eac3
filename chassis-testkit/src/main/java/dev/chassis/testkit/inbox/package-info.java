/**
 * The {@link dev.chassis.testkit.inbox.InboxStoreCompatibilityKit}: the promises of
 * {@link dev.chassis.core.inbox.InboxStore} as one abstract JUnit 5 test class that every inbox store
 * runs, so the in-memory store cannot drift from the JDBC one.
 */
@NullMarked
package dev.chassis.testkit.inbox;

import org.jspecify.annotations.NullMarked;
