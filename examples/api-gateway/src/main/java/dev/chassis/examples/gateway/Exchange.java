package dev.chassis.examples.gateway;

import dev.chassis.core.context.CorrelationContext;
import dev.chassis.discovery.ServiceInstance;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * One request on its way through the gateway: the route it matched, the path it is forwarded to,
 * its correlation and trace context, and — once the breaker admitted it — the chosen instance.
 * {@link #answered} completes when the upstream's status line arrives (failed with
 * {@link UpstreamFailure} on a 5xx, or with the transport's failure), which is what the route's
 * breaker records.
 *
 * <p>Written by the thread that forwards the request and read by the proxy's callbacks, which
 * Jetty orders after it; the mutable fields are volatile for the breaker's fallback path.
 */
final class Exchange {
    final RouteGuard guard;
    final String upstreamPath;
    final @Nullable String query;
    final CorrelationContext correlation;
    final Span span;
    final Context context;
    final CompletableFuture<Integer> answered = new CompletableFuture<>();
    private volatile @Nullable ServiceInstance instance;
    private volatile long startNanos;

    Exchange(RouteGuard guard, String upstreamPath, @Nullable String query, CorrelationContext correlation, Span span,
            Context context) {
        this.guard = guard;
        this.upstreamPath = upstreamPath;
        this.query = query;
        this.correlation = correlation;
        this.span = span;
        this.context = context;
    }

    /** The breaker admitted the request and the balancer chose this instance. */
    void forwardTo(ServiceInstance chosen) {
        instance = chosen;
        startNanos = System.nanoTime();
    }

    /** The chosen instance, or {@code null} while the request was not forwarded. */
    @Nullable ServiceInstance instance() {
        return instance;
    }

    /** Nanoseconds since the request was forwarded. */
    long elapsedNanos() {
        return System.nanoTime() - startNanos;
    }

    /** Thrown into the breaker for a 5xx answer, which still reaches the client as it is. */
    static final class UpstreamFailure extends Exception {
        private static final long serialVersionUID = 1L;

        UpstreamFailure(int status) {
            super("upstream answered " + status, null, false, false);
        }
    }
}
