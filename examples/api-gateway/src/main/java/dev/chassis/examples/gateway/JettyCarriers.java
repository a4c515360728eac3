package dev.chassis.examples.gateway;

import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.jspecify.annotations.Nullable;

/**
 * Reading and writing headers of Jetty's requests for OpenTelemetry propagation, and the header
 * names a {@code Connection} header declares hop-by-hop.
 *
 * <p>Stateless; the members are thread-safe.
 */
final class JettyCarriers {
    /** Reads the trace context from the client's request. */
    static final TextMapGetter<Request> REQUEST_GETTER = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Request carrier) {
            return carrier.getHeaders().getFieldNamesCollection();
        }

        @Override
        public @Nullable String get(@Nullable Request carrier, String key) {
            return carrier == null ? null : carrier.getHeaders().get(key);
        }
    };

    /** Writes the trace context into the request sent upstream, replacing any value. */
    static final TextMapSetter<org.eclipse.jetty.client.Request> CLIENT_REQUEST_SETTER = (carrier, key, value) -> {
        if (carrier != null) {
            carrier.headers(headers -> headers.put(key, value));
        }
    };

    private JettyCarriers() {
    }

    /** The lower-case header names listed in {@code Connection} headers (RFC 9110 section 7.6.1). */
    static Set<String> connectionTokens(HttpFields headers) {
        Set<String> names = new HashSet<>();
        for (String value : headers.getValuesList(HttpHeader.CONNECTION)) {
            for (String token : value.split(",")) {
                String name = token.strip().toLowerCase(Locale.ROOT);
                if (!name.isEmpty()) {
                    names.add(name);
                }
            }
        }
        return names;
    }
}
