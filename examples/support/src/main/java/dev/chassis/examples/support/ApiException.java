package dev.chassis.examples.support;

import static java.util.Objects.requireNonNull;

import dev.chassis.core.NonRetryableException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A request that the API refuses, with the HTTP status and the JSON body to answer:
 * {@code {"error": message}}, plus {@code "fields": {field: problem}} for validation errors. Thrown
 * from route handlers of a {@link ServiceContext}; the host turns it into the response. Immutable.
 *
 * <pre>{@code
 * throw ApiException.notFound("no user with id " + id);
 * throw ApiException.conflict("e-mail address " + email + " is already registered");
 * }</pre>
 */
public final class ApiException extends NonRetryableException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final Map<String, String> fields;

    /**
     * An error answer.
     *
     * @param status a 4xx or 5xx HTTP status
     * @param message what went wrong and what to fix; sent to the client
     * @param fields problems by field name, in order; empty when the error is not about fields
     * @throws IllegalArgumentException if the status is not 400..599
     */
    public ApiException(int status, String message, Map<String, String> fields) {
        super(requireNonNull(message, "message"));
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("status must be 400..599, was " + status);
        }
        this.status = status;
        this.fields = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(fields, "fields")));
    }

    /**
     * 400 with a message, e.g. for a malformed body.
     *
     * @param message what is wrong with the request
     * @return the exception
     */
    public static ApiException badRequest(String message) {
        return new ApiException(400, message, Map.of());
    }

    /**
     * 404.
     *
     * @param message what was not found
     * @return the exception
     */
    public static ApiException notFound(String message) {
        return new ApiException(404, message, Map.of());
    }

    /**
     * 409, for a request that conflicts with the current state (a duplicate, a stale version).
     *
     * @param message what conflicts
     * @return the exception
     */
    public static ApiException conflict(String message) {
        return new ApiException(409, message, Map.of());
    }

    /** @return the HTTP status */
    public int status() {
        return status;
    }

    /** @return the problems by field name; empty unless this is a validation error */
    public Map<String, String> fields() {
        return fields;
    }

    /** @return the JSON body: {@code error} and, when there are any, {@code fields} */
    public Map<String, Object> body() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", getMessage());
        if (!fields.isEmpty()) {
            body.put("fields", fields);
        }
        return body;
    }
}
