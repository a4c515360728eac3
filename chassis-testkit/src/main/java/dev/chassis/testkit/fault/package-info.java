/**
 * Fault injection for tests against real infrastructure:
 * {@link dev.chassis.testkit.fault.BrokerFaults} closes RabbitMQ connections,
 * {@link dev.chassis.testkit.fault.DatabaseFaults} terminates PostgreSQL sessions and
 * {@link dev.chassis.testkit.fault.TcpProxy} sits between a client and a server to delay, cut or
 * reset their connections.
 */
@NullMarked
package dev.chassis.testkit.fault;

import org.jspecify.annotations.NullMarked;
