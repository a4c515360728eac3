package dev.chassis.examples.gateway;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.jspecify.annotations.Nullable;

/**
 * Ends the request's server span with the status sent to the client when Jetty is done with the
 * response, then completes Jetty's callback.
 *
 * <p>Completed once, by whichever thread finishes the response.
 */
final class SpanEndingCallback implements Callback {
    private final Callback delegate;
    private final Span span;
    private final Response response;

    SpanEndingCallback(Callback delegate, Span span, Response response) {
        this.delegate = delegate;
        this.span = span;
        this.response = response;
    }

    @Override
    public void succeeded() {
        end(null);
        delegate.succeeded();
    }

    @Override
    public void failed(Throwable failure) {
        end(failure);
        delegate.failed(failure);
    }

    @Override
    public InvocationType getInvocationType() {
        return delegate.getInvocationType();
    }

    private void end(@Nullable Throwable failure) {
        int status = response.getStatus();
        span.setAttribute("http.response.status_code", status);
        if (failure != null) {
            span.recordException(failure);
            span.setStatus(StatusCode.ERROR);
        } else if (status >= 500) {
            span.setStatus(StatusCode.ERROR);
        }
        span.end();
    }
}
