package dev.chassis.examples.support;

import static java.util.Objects.requireNonNull;

import dev.chassis.core.admin.AdminHandler;
import dev.chassis.core.admin.AdminRequest;
import dev.chassis.core.admin.AdminResponse;
import dev.chassis.core.json.JsonCodec;
import dev.chassis.core.json.JsonException;

/**
 * JSON in and out for the route handlers of a {@link ServiceContext}: a typed request body (400 when
 * it is missing or malformed) and JSON responses. Bodies are read and written with
 * {@link JsonCodec#defaults()}: unknown properties are ignored, {@code java.time} values are
 * ISO-8601 strings. Static methods only; thread-safe.
 *
 * <pre>{@code
 * context.post("/users", request -> {
 *     RegisterUser command = JsonApi.body(request, RegisterUser.class);
 *     return JsonApi.created(Map.of("id", users.register(command)));
 * });
 * }</pre>
 */
public final class JsonApi {
    private JsonApi() {}

    /**
     * Reads the request body as JSON.
     *
     * @param request the request
     * @param type the body's type, usually a record
     * @param <T> the body's type
     * @return the body
     * @throws ApiException 400 if the body is empty or not JSON of that shape
     */
    public static <T> T body(AdminRequest request, Class<T> type) {
        requireNonNull(request, "request");
        requireNonNull(type, "type");
        byte[] body = request.body();
        if (body.length == 0) {
            throw ApiException.badRequest("a JSON body is required");
        }
        try {
            return JsonCodec.defaults().read(body, type);
        } catch (JsonException e) {
            throw ApiException.badRequest("malformed JSON body: " + e.getMessage());
        }
    }

    /**
     * 200 with a JSON body.
     *
     * @param value records, maps, lists, strings
     * @return the response
     */
    public static AdminResponse ok(Object value) {
        return AdminResponse.json(200, requireNonNull(value, "value"));
    }

    /**
     * 201 with a JSON body, for a created resource.
     *
     * @param value the resource or its id
     * @return the response
     */
    public static AdminResponse created(Object value) {
        return AdminResponse.json(201, requireNonNull(value, "value"));
    }

    /**
     * 202 with a JSON body, for a request accepted for processing that completes later.
     *
     * @param value e.g. the id to poll
     * @return the response
     */
    public static AdminResponse accepted(Object value) {
        return AdminResponse.json(202, requireNonNull(value, "value"));
    }

    /**
     * The JSON error response of an {@link ApiException}.
     *
     * @param e the refusal
     * @return its status and body
     */
    public static AdminResponse error(ApiException e) {
        return AdminResponse.json(e.status(), e.body());
    }

    /** Answers {@link ApiException}s thrown by a handler with their JSON body; other failures stay 500. */
    static AdminHandler answeringRefusals(AdminHandler handler) {
        return request -> {
            try {
                return handler.handle(request);
            } catch (ApiException e) {
                return error(e);
            }
        };
    }
}
