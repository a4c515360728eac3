/**
 * Correlation: the ids that tie together every message, request and log line caused by one
 * business action.
 *
 * <p>A {@link dev.chassis.core.context.CorrelationContext} is an immutable value passed explicitly —
 * in envelopes, handler contexts and HTTP headers. Only at the edges (an HTTP filter, a message
 * consumer, a log bridge) is it made current on a thread with
 * {@link dev.chassis.core.context.CorrelationContext#makeCurrent()}; executors wrapped with
 * {@link dev.chassis.core.context.CorrelationContext#wrap(java.util.concurrent.ExecutorService)}
 * carry it into async work. {@link dev.chassis.core.context.CorrelationId} generates and validates
 * ids. A foundation package.
 *
 * <pre>{@code
 * CorrelationContext ctx = CorrelationContext.fromIncoming(request.header("x-correlation-id"), null);
 * try (CorrelationScope scope = ctx.makeCurrent()) {
 *     handle(request);
 * }
 * }</pre>
 */
@NullMarked
package dev.chassis.core.context;

import org.jspecify.annotations.NullMarked;
