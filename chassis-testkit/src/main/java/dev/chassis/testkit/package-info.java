/**
 * Contract testing (HTTP and messages, Pact-compatible files), JUnit 5 extensions for RabbitMQ and PostgreSQL, and a compatibility kit for every SPI.
 */
@NullMarked
package dev.chassis.testkit;

import org.jspecify.annotations.NullMarked;
