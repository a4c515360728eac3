/**
 * The small base every example service shares, so that no service repeats its bootstrap code.
 *
 * <ul>
 *   <li>{@link dev.chassis.examples.support.ServiceDefinition} is what a service implements: its
 *       name, its configuration keys and how it wires itself into a
 *       {@link dev.chassis.examples.support.ServiceContext} (routes, health checks, components).</li>
 *   <li>{@link dev.chassis.examples.support.ServiceHost} starts a definition in-process on the
 *       dependencies it is given (event bus, registry, data source) and returns a
 *       {@link dev.chassis.examples.support.RunningService}; {@code shop} uses it to run every service
 *       in one JVM.</li>
 *   <li>{@link dev.chassis.examples.support.ServiceMain} runs a definition as a process of its own,
 *       configured by environment variables ({@link dev.chassis.examples.support.ServiceSettings}).</li>
 *   <li>{@link dev.chassis.examples.support.JsonApi}, {@link dev.chassis.examples.support.ApiException}
 *       and {@link dev.chassis.examples.support.FieldErrors} make the JSON HTTP API: typed bodies,
 *       400 with field errors, 404, 409.</li>
 *   <li>{@link dev.chassis.examples.support.Database} makes the connection pool from a URL.</li>
 * </ul>
 *
 * <pre>{@code
 * public static void main(String[] args) {
 *     ServiceMain.run(new UserService());
 * }
 * }</pre>
 */
@NullMarked
package dev.chassis.examples.support;

import org.jspecify.annotations.NullMarked;
