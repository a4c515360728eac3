package dev.chassis.testkit.consul;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One request the {@link ConsulSimulator} received, recorded before any fault applies. Immutable.
 *
 * @param method the HTTP method, e.g. {@code PUT}
 * @param uri the request URI as sent: path and query string, e.g. {@code /v1/health/service/orders?passing=true}
 * @param endpoint the endpoint without path parameters, e.g. {@code GET /v1/health/service}
 * @param headers the headers, names in lower case
 * @param body the body as text, empty if none
 * @param receivedAt when it arrived, by the real clock
 */
public record RecordedRequest(String method, String uri, String endpoint, Map<String, List<String>> headers,
        String body, Instant receivedAt) {
    /** Checks and copies the components. */
    public RecordedRequest {
        requireNonNull(method, "method");
        requireNonNull(uri, "uri");
        requireNonNull(endpoint, "endpoint");
        headers = Map.copyOf(requireNonNull(headers, "headers"));
        requireNonNull(body, "body");
        requireNonNull(receivedAt, "receivedAt");
    }

    /**
     * The first value of a header.
     *
     * @param name the header name, any case
     * @return the value, or {@code null} if absent
     */
    public @org.jspecify.annotations.Nullable String header(String name) {
        List<String> values = headers.get(name.toLowerCase(java.util.Locale.ROOT));
        return values == null || values.isEmpty() ? null : values.get(0);
    }
}
