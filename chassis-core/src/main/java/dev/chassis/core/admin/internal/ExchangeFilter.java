package dev.chassis.core.admin.internal;

import static java.util.Objects.requireNonNull;

import com.sun.net.httpserver.Filter;

/**
 * Not API: a filter of the JDK HTTP server to run around every request of an
 * {@link dev.chassis.core.admin.AdminServer}, e.g. the correlation filter of chassis-observability.
 * Wrapped so that the admin server's own API does not name the JDK server, which it may replace.
 * Immutable.
 *
 * <pre>{@code
 * AdminServer.builder().filter(ExchangeFilter.of(CorrelationHttpFilter.create(openTelemetry)));
 * }</pre>
 */
public final class ExchangeFilter {
    private final Filter filter;

    private ExchangeFilter(Filter filter) {
        this.filter = filter;
    }

    /**
     * Wraps a filter.
     *
     * @param filter called on the server's worker threads, so it must be thread-safe; it may answer
     *     a request itself instead of passing it on
     * @return the wrapped filter
     */
    public static ExchangeFilter of(Filter filter) {
        return new ExchangeFilter(requireNonNull(filter, "filter"));
    }

    /** @return the filter */
    public Filter filter() {
        return filter;
    }
}
