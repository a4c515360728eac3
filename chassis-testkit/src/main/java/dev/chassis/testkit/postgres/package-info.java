/**
 * PostgreSQL for tests: {@link dev.chassis.testkit.postgres.PostgresSchema}, a JUnit 5 extension that
 * gives each test class a schema of its own on a real server, with a pooled {@code DataSource}, and
 * drops it afterwards.
 */
@NullMarked
package dev.chassis.testkit.postgres;

import org.jspecify.annotations.NullMarked;
