/**
 * The discovery-aware HTTP client: {@link dev.chassis.discovery.client.ServiceClient} sends JDK
 * {@code HttpRequest}s addressed to a service name ({@code http://order-service/orders/1}) to one of
 * the service's healthy instances, chosen by a {@link dev.chassis.discovery.balancer.LoadBalancer},
 * behind a circuit breaker per instance, with a timeout per attempt, retries of idempotent requests on
 * another instance, and correlation and W3C trace headers. Its failures are
 * {@link dev.chassis.discovery.client.ServiceCallException}s that list the attempts made.
 */
@NullMarked
package dev.chassis.discovery.client;

import org.jspecify.annotations.NullMarked;
