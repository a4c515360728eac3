package dev.chassis.core.admin;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One request to the admin server, as seen by an {@link AdminHandler}. Immutable.
 *
 * @param method the HTTP method, upper case
 * @param path the decoded request path, e.g. {@code /chassis/resilience/payments/reset}
 * @param pathParams values bound to the route's {@code {name}} segments
 * @param query decoded query parameters, each name with its values in order
 * @param body the request body, empty when none was sent
 */
public record AdminRequest(
        String method,
        String path,
        Map<String, String> pathParams,
        Map<String, List<String>> query,
        byte[] body) {

    /** Checks and copies the components. */
    public AdminRequest {
        requireNonNull(method, "method");
        requireNonNull(path, "path");
        pathParams = Map.copyOf(requireNonNull(pathParams, "pathParams"));
        query = Map.copyOf(requireNonNull(query, "query"));
        body = requireNonNull(body, "body").clone();
    }

    /**
     * The value bound to a path parameter.
     *
     * @param name the parameter's name as written in the route, without braces
     * @return its value
     * @throws IllegalArgumentException if the route has no such parameter
     */
    public String pathParam(String name) {
        String value = pathParams.get(name);
        if (value == null) {
            throw new IllegalArgumentException("route has no path parameter '" + name + "'");
        }
        return value;
    }

    /**
     * The first value of a query parameter.
     *
     * @param name the parameter's name
     * @return its first value, or empty if absent
     */
    public Optional<String> queryParam(String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
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
}
