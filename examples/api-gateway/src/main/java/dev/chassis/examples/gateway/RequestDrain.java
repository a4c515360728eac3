package dev.chassis.examples.gateway;

import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.Callback;

/**
 * Reads and discards what is left of a request body before the gateway answers the request itself
 * (no instance, open breaker, an unreachable instance, a refused request), so that the client's
 * connection can carry its next request.
 *
 * <p>Why: when a handler completes while the body is still on its way, Jetty cannot read it and
 * closes the connection after the answer. The answer is already sent by then, so it does not say
 * {@code Connection: close}; a client that put the connection back into its pool sends its next
 * request into the closing connection and gets nothing back (the JDK client reports "header parser
 * received no bytes" and does not retry a POST). Reading the body first keeps the connection
 * usable; a body that fails or grows past the limit completes the callback failed, and the
 * caller then answers with {@code Connection: close}.
 *
 * <p>Not thread-safe by itself: Jetty runs the demand callback one at a time.
 */
final class RequestDrain implements Runnable {
    private final Request request;
    private final long limit;
    private final Callback done;
    private long read;

    private RequestDrain(Request request, long limit, Callback done) {
        this.request = request;
        this.limit = limit;
        this.done = done;
    }

    /**
     * Reads the rest of the body, then completes {@code done}: succeeded once the body ended,
     * failed if reading it failed or more than {@code limit} bytes were left. Completes at once for
     * a request without a body (or whose body was read already).
     */
    static void drain(Request request, long limit, Callback done) {
        new RequestDrain(request, limit, done).run();
    }

    @Override
    public void run() {
        while (true) {
            Content.Chunk chunk = request.read();
            if (chunk == null) {
                request.demand(this);
                return;
            }
            if (Content.Chunk.isFailure(chunk)) {
                done.failed(chunk.getFailure());
                return;
            }
            read += chunk.remaining();
            boolean last = chunk.isLast();
            chunk.release();
            if (read > limit) {
                done.failed(new LimitedContent.TooLarge(limit));
                return;
            }
            if (last) {
                done.succeeded();
                return;
            }
        }
    }
}
