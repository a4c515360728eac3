package dev.chassis.core.admin;

import static java.util.Objects.requireNonNull;

import java.util.Set;
import java.util.regex.Pattern;

/**
 * A method and path template served by the admin server. Path templates are literal segments and
 * {@code {name}} segments, which bind one non-empty segment each. Immutable.
 *
 * <pre>{@code
 * AdminRoute reset = AdminRoute.post("/chassis/resilience/{name}/reset",
 *         request -> { registry.reset(request.pathParam("name")); return AdminResponse.json(200, Map.of()); });
 * }</pre>
 *
 * @param method the HTTP method, upper case
 * @param pathTemplate the path, starting with {@code /}
 * @param handler the handler
 */
public record AdminRoute(String method, String pathTemplate, AdminHandler handler) {
    private static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "DELETE", "PATCH");
    private static final Pattern TEMPLATE = Pattern.compile("(/([A-Za-z0-9._~-]+|\\{[A-Za-z][A-Za-z0-9]*}))+");

    /** Checks the components. */
    public AdminRoute {
        requireNonNull(method, "method");
        requireNonNull(pathTemplate, "pathTemplate");
        requireNonNull(handler, "handler");
        if (!METHODS.contains(method)) {
            throw new IllegalArgumentException("method must be one of " + METHODS + ", was '" + method + "'");
        }
        if (!TEMPLATE.matcher(pathTemplate).matches()) {
            throw new IllegalArgumentException("pathTemplate must look like /a/{b}/c, was '" + pathTemplate + "'");
        }
    }

    /**
     * A {@code GET} route.
     *
     * @param pathTemplate the path template
     * @param handler the handler
     * @return the route
     */
    public static AdminRoute get(String pathTemplate, AdminHandler handler) {
        return new AdminRoute("GET", pathTemplate, handler);
    }

    /**
     * A {@code POST} route.
     *
     * @param pathTemplate the path template
     * @param handler the handler
     * @return the route
     */
    public static AdminRoute post(String pathTemplate, AdminHandler handler) {
        return new AdminRoute("POST", pathTemplate, handler);
    }
}
