/**
 * The message envelope: {@link dev.chassis.core.envelope.Envelope}, an immutable CloudEvents 1.0
 * event with the chassis extensions ({@code correlationid}, {@code causationid},
 * {@code traceparent}, {@code tracestate}), and {@link dev.chassis.core.envelope.CloudEventJson},
 * its structured JSON form. A foundation package.
 */
@NullMarked
package dev.chassis.core.envelope;

import org.jspecify.annotations.NullMarked;
