/**
 * The request handling the HTTP server filters of {@code dev.chassis.observability} share: the
 * correlation id, the trace context and the server span of one request. Not part of the API: it may
 * change in any release.
 */
@NullMarked
package dev.chassis.observability.internal;

import org.jspecify.annotations.NullMarked;
