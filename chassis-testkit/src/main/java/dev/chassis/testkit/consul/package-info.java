/**
 * A Consul agent in the test's JVM: {@link dev.chassis.testkit.consul.ConsulSimulator} serves the
 * agent and health endpoints the chassis's Consul registry uses, with test controls for check
 * states, agent restarts, faults, the Raft index and time.
 */
@NullMarked
package dev.chassis.testkit.consul;

import org.jspecify.annotations.NullMarked;
