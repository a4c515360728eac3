package dev.chassis.examples.support;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import dev.chassis.core.admin.AdminResponse;
import java.io.IOException;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Answers 415 with a JSON error when a request sends a body that is not JSON; the API reads only
 * {@code application/json} (and {@code application/*+json}). Thread-safe.
 */
final class JsonContentTypeFilter extends Filter {
    private static final Set<String> WITH_BODY = Set.of("POST", "PUT", "PATCH");

    @Override
    public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
        if (!WITH_BODY.contains(exchange.getRequestMethod().toUpperCase(Locale.ROOT)) || !hasBody(exchange)
                || isJson(exchange.getRequestHeaders().getFirst("Content-Type"))) {
            chain.doFilter(exchange);
            return;
        }
        String sent = exchange.getRequestHeaders().getFirst("Content-Type");
        AdminResponse refusal = AdminResponse.json(415, Map.of("error", "unsupported content type "
                + (sent == null ? "(none)" : "'" + sent.strip() + "'") + "; send the body as application/json"));
        byte[] body = refusal.body();
        exchange.getResponseHeaders().set("Content-Type", refusal.contentType());
        // the body is left unread: closing the connection afterwards keeps it out of the next request
        exchange.getResponseHeaders().set("Connection", "close");
        exchange.sendResponseHeaders(refusal.status(), body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }

    @Override
    public String description() {
        return "refuses request bodies that are not JSON";
    }

    private static boolean hasBody(HttpExchange exchange) {
        String length = exchange.getRequestHeaders().getFirst("Content-Length");
        if (length != null) {
            return !length.strip().equals("0");
        }
        return exchange.getRequestHeaders().containsKey("Transfer-Encoding");
    }

    static boolean isJson(@Nullable String contentType) {
        if (contentType == null) {
            return false;
        }
        String mediaType = contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        return mediaType.equals("application/json")
                || (mediaType.startsWith("application/") && mediaType.endsWith("+json"));
    }
}
