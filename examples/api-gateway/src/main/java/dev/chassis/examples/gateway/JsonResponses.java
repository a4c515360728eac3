package dev.chassis.examples.gateway;

import dev.chassis.core.json.JsonCodec;
import java.nio.ByteBuffer;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The gateway's own answers: always JSON, always one of a few fixed messages, so that nothing a
 * client sent is ever echoed back.
 *
 * <p>Stateless; the methods are thread-safe.
 */
final class JsonResponses {
    /** The fallback body of an open breaker, a service without instances or an unreachable one. */
    static final String UNAVAILABLE = "Service temporarily unavailable";

    private static final JsonCodec JSON = JsonCodec.defaults();

    private JsonResponses() {
    }

    /** The fixed message for a status the gateway answers itself. */
    static String message(int status) {
        return switch (status) {
            case HttpStatus.BAD_REQUEST_400 -> "Bad request";
            case HttpStatus.NOT_FOUND_404 -> "No route for this path";
            case HttpStatus.METHOD_NOT_ALLOWED_405 -> "Method not allowed";
            case HttpStatus.PAYLOAD_TOO_LARGE_413 -> "Request body too large";
            case HttpStatus.URI_TOO_LONG_414 -> "Request target too long";
            case HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE_431 -> "Request headers too large";
            case HttpStatus.BAD_GATEWAY_502 -> "Bad gateway";
            case HttpStatus.SERVICE_UNAVAILABLE_503 -> UNAVAILABLE;
            case HttpStatus.GATEWAY_TIMEOUT_504 -> "Upstream timed out";
            default -> status >= 500 ? "Internal error" : "Request refused";
        };
    }

    /** {@code {"error": message}} as bytes. */
    static ByteBuffer errorBody(String message) {
        return ByteBuffer.wrap(JSON.write(Map.of("error", message)));
    }

    /** Writes {@code {"error": message(status)}} with the status and completes the callback. */
    static void writeError(Response response, Callback callback, int status) {
        write(response, callback, status, errorBody(message(status)));
    }

    /** Writes a JSON body with the status and completes the callback. */
    static void write(Response response, Callback callback, int status, ByteBuffer json) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.write(true, json, callback);
    }

    /** Writes any value as JSON. */
    static void write(Response response, Callback callback, int status, Object value) {
        write(response, callback, status, ByteBuffer.wrap(JSON.write(value)));
    }
}
