package dev.chassis.core.admin;

import static java.util.Objects.requireNonNull;

import dev.chassis.core.json.JsonCodec;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * What an {@link AdminHandler} answers: a status, a content type and a body. Immutable.
 *
 * <pre>{@code
 * return AdminResponse.json(200, Map.of("status", "UP"));
 * return AdminResponse.error(404, "no circuit breaker named 'x'");
 * }</pre>
 *
 * @param status the HTTP status code
 * @param contentType the {@code Content-Type} header value
 * @param body the response body
 */
public record AdminResponse(int status, String contentType, byte[] body) {
    /** The content type of JSON responses. */
    public static final String JSON = "application/json";

    /** Checks and copies the components. */
    public AdminResponse {
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("status must be 100..599, was " + status);
        }
        requireNonNull(contentType, "contentType");
        body = requireNonNull(body, "body").clone();
    }

    /**
     * A JSON response.
     *
     * @param status the HTTP status code
     * @param value anything {@link JsonCodec#defaults()} can write: records, maps, lists, strings
     * @return the response
     */
    public static AdminResponse json(int status, Object value) {
        return new AdminResponse(status, JSON, JsonCodec.defaults().write(value));
    }

    /**
     * A JSON error body {@code {"error": message}}.
     *
     * @param status a 4xx or 5xx status code
     * @param message what went wrong and what to fix
     * @return the response
     */
    public static AdminResponse error(int status, String message) {
        return json(status, Map.of("error", message));
    }

    /**
     * A plain-text response, e.g. for metrics formats.
     *
     * @param status the HTTP status code
     * @param contentType the content type, e.g. {@code text/plain; version=0.0.4}
     * @param text the body
     * @return the response
     */
    public static AdminResponse text(int status, String contentType, String text) {
        return new AdminResponse(status, contentType, text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The body.
     *
     * @return a copy of the body bytes
     */
    @Override
    public byte[] body() {
        return body.clone();
    }

    /**
     * The body decoded as UTF-8.
     *
     * @return the body text
     */
    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }
}
