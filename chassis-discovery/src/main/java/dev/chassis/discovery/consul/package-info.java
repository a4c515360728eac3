/**
 * The Consul registry: {@link dev.chassis.discovery.consul.ConsulServiceRegistry} registers with the
 * local agent (HTTP or TTL checks, heartbeats, self-repair after an agent restart) and serves
 * lookups from caches that blocking queries keep current. The agent's HTTP API is called with the
 * JDK {@code HttpClient}; the ACL token travels only in the {@code X-Consul-Token} header.
 */
@NullMarked
package dev.chassis.discovery.consul;

import org.jspecify.annotations.NullMarked;
