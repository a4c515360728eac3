package dev.chassis.examples.gateway;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One gateway route: requests whose path is {@code prefix} or starts with {@code prefix + "/"} go
 * to an instance of {@code service}, with {@code prefix} replaced by {@code upstreamPrefix}.
 *
 * <pre>{@code
 * Route users = Route.of("/api/users", "user-service", "/users");
 * // GET /api/users/42?x=1  ->  GET http://<a user-service instance>/users/42?x=1
 * }</pre>
 *
 * <p>Prefixes are plain path segments (letters, digits, {@code - _ . ~}), start with {@code /} and
 * do not end with one; the upstream prefix may be empty, which strips the whole prefix. Matching is
 * by whole segments: {@code /api/users} does not match {@code /api/usersX}.
 *
 * <p>Instances are immutable and thread-safe.
 *
 * @param prefix the path prefix on the gateway, e.g. {@code /api/users}
 * @param service the service name to look up in the registry, e.g. {@code user-service}
 * @param upstreamPrefix what replaces {@code prefix} in the forwarded path, e.g. {@code /users}, or
 *     empty
 */
public record Route(String prefix, String service, String upstreamPrefix) {
    private static final Pattern PREFIX = Pattern.compile("(/[A-Za-z0-9._~-]+)+");
    private static final Pattern SERVICE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    /**
     * Checks the route.
     *
     * @throws IllegalArgumentException if a prefix or the service name is malformed
     */
    public Route {
        requireNonNull(prefix, "prefix");
        requireNonNull(service, "service");
        requireNonNull(upstreamPrefix, "upstreamPrefix");
        if (!PREFIX.matcher(prefix).matches() || hasDotSegment(prefix)) {
            throw new IllegalArgumentException("route prefix '" + prefix + "' is malformed; write /segment[/segment...] "
                    + "with letters, digits, '-', '_', '.', '~' and no '.' or '..' segment, e.g. /api/users");
        }
        if (!upstreamPrefix.isEmpty() && (!PREFIX.matcher(upstreamPrefix).matches() || hasDotSegment(upstreamPrefix))) {
            throw new IllegalArgumentException("upstream prefix '" + upstreamPrefix + "' of route " + prefix
                    + " is malformed; write /segment[/segment...] as for the route prefix, or nothing to strip the prefix");
        }
        if (!SERVICE.matcher(service).matches()) {
            throw new IllegalArgumentException("service name '" + service + "' of route " + prefix
                    + " is malformed; use letters, digits, '-', '_' and '.', e.g. user-service");
        }
    }

    /**
     * A route that strips {@code prefix} entirely: {@code /api/users/42} goes to {@code /42}.
     *
     * @param prefix the path prefix on the gateway
     * @param service the service name
     * @return the route
     */
    public static Route of(String prefix, String service) {
        return new Route(prefix, service, "");
    }

    /**
     * A route that replaces {@code prefix} with {@code upstreamPrefix}.
     *
     * @param prefix the path prefix on the gateway
     * @param service the service name
     * @param upstreamPrefix the replacement, or empty
     * @return the route
     */
    public static Route of(String prefix, String service, String upstreamPrefix) {
        return new Route(prefix, service, upstreamPrefix);
    }

    /**
     * The example system's routes: {@code /api/users/**} to {@code user-service} under
     * {@code /users}, and {@code /api/orders/**} to {@code order-service} under {@code /orders}.
     *
     * @return the two routes
     */
    public static List<Route> defaults() {
        return List.of(of("/api/users", "user-service", "/users"), of("/api/orders", "order-service", "/orders"));
    }

    /**
     * Parses routes from a comma-separated list of {@code prefix=service[/upstream/prefix]}, the
     * format of the {@code GATEWAY_ROUTES} environment variable:
     * {@code /api/users=user-service/users,/api/orders=order-service/orders}.
     *
     * @param spec the list
     * @return the routes, in the order written
     * @throws IllegalArgumentException naming the entry that is malformed and why
     */
    public static List<Route> parse(String spec) {
        requireNonNull(spec, "spec");
        List<Route> routes = new ArrayList<>();
        for (String raw : spec.split(",")) {
            String entry = raw.strip();
            if (entry.isEmpty()) {
                continue;
            }
            int eq = entry.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("route '" + entry + "' has no '='; write prefix=service[/upstream-prefix], "
                        + "e.g. /api/users=user-service/users");
            }
            String target = entry.substring(eq + 1).strip();
            int slash = target.indexOf('/');
            String service = slash < 0 ? target : target.substring(0, slash);
            String upstream = slash < 0 ? "" : target.substring(slash);
            routes.add(new Route(entry.substring(0, eq).strip(), service, upstream));
        }
        if (routes.isEmpty()) {
            throw new IllegalArgumentException("no routes in '" + spec + "'; write prefix=service[/upstream-prefix],... "
                    + "e.g. /api/users=user-service/users,/api/orders=order-service/orders");
        }
        return List.copyOf(routes);
    }

    /**
     * The forwarded path for a request path, if this route matches it.
     *
     * @param path the request's path, already checked by the gateway, still percent-encoded
     * @return {@code upstreamPrefix} followed by the rest of the path (at least {@code /}), or empty
     *     if the path is not under this route
     */
    public Optional<String> rewrite(String path) {
        requireNonNull(path, "path");
        if (!path.startsWith(prefix)) {
            return Optional.empty();
        }
        String rest = path.substring(prefix.length());
        if (!rest.isEmpty() && rest.charAt(0) != '/') {
            return Optional.empty();
        }
        String rewritten = upstreamPrefix + rest;
        return Optional.of(rewritten.isEmpty() ? "/" : rewritten);
    }

    private static boolean hasDotSegment(String path) {
        for (String segment : path.split("/")) {
            if (segment.equals(".") || segment.equals("..")) {
                return true;
            }
        }
        return false;
    }
}
