/**
 * Correlation and tracing for Jakarta Servlet containers (Jetty, Tomcat, Undertow, ...):
 * {@link dev.chassis.observability.servlet.CorrelationServletFilter} gives each request a validated
 * correlation id and a server span, as {@link dev.chassis.observability.CorrelationHttpFilter} does
 * for the JDK's {@code HttpServer}. The Servlet API (6.0 or later) is provided by the container.
 *
 * <pre>{@code
 * context.addFilter(new FilterHolder(CorrelationServletFilter.create(telemetry.openTelemetry())), "/*", null);
 * }</pre>
 */
@NullMarked
package dev.chassis.observability.servlet;

import org.jspecify.annotations.NullMarked;
