/**
 * OpenTelemetry SDK bootstrap and exporters, JSON logging with correlation and trace ids, and correlation filters for HTTP servers.
 */
@NullMarked
package dev.chassis.observability;

import org.jspecify.annotations.NullMarked;
