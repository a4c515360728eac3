/**
 * OpenTelemetry SDK bootstrap and exporters, the {@code /metrics} admin route, JSON logging with correlation and trace ids, and correlation filters for HTTP servers.
 *
 * <ul>
 *   <li>{@link dev.chassis.observability.Telemetry} sets up the SDK from {@code OTEL_*} settings and
 *       code and exposes only the OpenTelemetry API; {@code Telemetry.noop()} is the default. Its
 *       {@code metricsRoute()} serves the metrics in the Prometheus text format.</li>
 *   <li>{@link dev.chassis.observability.CorrelationHttpFilter} gives each exchange of a JDK
 *       {@code HttpServer} a validated correlation id and a server span;
 *       {@link dev.chassis.observability.servlet.CorrelationServletFilter} does the same in Jakarta
 *       Servlet containers.</li>
 *   <li>{@link dev.chassis.observability.JsonLogging}, {@link dev.chassis.observability.JsonLogEncoder}
 *       and {@link dev.chassis.observability.CorrelationMdc} write one JSON object per log line with
 *       the ids current when the line was logged.</li>
 * </ul>
 *
 * <pre>{@code
 * Telemetry telemetry = Telemetry.fromEnvironment();
 * JsonLogging.builder().service(telemetry.serviceName()).install();
 * }</pre>
 */
@NullMarked
package dev.chassis.observability;

import org.jspecify.annotations.NullMarked;
