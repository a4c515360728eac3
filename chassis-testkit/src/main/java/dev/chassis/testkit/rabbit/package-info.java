/**
 * RabbitMQ for tests: {@link dev.chassis.testkit.rabbit.RabbitBroker}, a JUnit 5 extension with the
 * connection details of a real broker, and {@link dev.chassis.testkit.rabbit.RabbitNames}, unique
 * exchange and queue names that are deleted after the test that asked for them.
 */
@NullMarked
package dev.chassis.testkit.rabbit;

import org.jspecify.annotations.NullMarked;
