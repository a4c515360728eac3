/**
 * The example system's API gateway: routes {@code /api/users/**} and {@code /api/orders/**} to
 * services found through a {@code ServiceRegistry}, over Jetty's reverse proxy, with a circuit
 * breaker per route, timeouts, correlation and trace propagation and the checks an edge needs.
 */
@NullMarked
package dev.chassis.examples.gateway;

import org.jspecify.annotations.NullMarked;
