package dev.chassis.core.admin;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Matches decoded request paths against route templates. Literal segments beat {@code {name}}
 * segments at the first position where two matching templates differ, so {@code /a/all} wins over
 * {@code /a/{name}}. Immutable and thread-safe.
 */
final class RouteTable {
    /** The outcome of matching one request. */
    sealed interface Match permits Found, MethodNotAllowed, NotFound {}

    /** A route serves the request; {@code params} holds its bound path parameters. */
    record Found(AdminRoute route, Map<String, String> params) implements Match {}

    /** Routes exist for the path, but none for the method. */
    record MethodNotAllowed(List<String> allowed) implements Match {}

    /** No route has this path. */
    record NotFound() implements Match {}

    private record Compiled(AdminRoute route, List<String> segments) {
        boolean isParam(int i) {
            return segments.get(i).startsWith("{");
        }

        String shape() {
            StringBuilder shape = new StringBuilder();
            for (int i = 0; i < segments.size(); i++) {
                shape.append('/').append(isParam(i) ? "{}" : segments.get(i));
            }
            return shape.toString();
        }
    }

    private final List<Compiled> routes;

    RouteTable(List<AdminRoute> routes) {
        List<Compiled> compiled = new ArrayList<>();
        Map<String, AdminRoute> byShape = new HashMap<>();
        for (AdminRoute route : routes) {
            Compiled c = new Compiled(route, List.of(route.pathTemplate().substring(1).split("/")));
            AdminRoute clash = byShape.putIfAbsent(route.method() + " " + c.shape(), route);
            if (clash != null) {
                String also = clash.pathTemplate().equals(route.pathTemplate())
                        ? "" : " (clashes with " + clash.pathTemplate() + ")";
                throw new IllegalArgumentException(
                        "duplicate admin route " + route.method() + " " + route.pathTemplate() + also);
            }
            compiled.add(c);
        }
        this.routes = List.copyOf(compiled);
    }

    /** The routes in registration order. */
    List<AdminRoute> routes() {
        return routes.stream().map(Compiled::route).toList();
    }

    /**
     * Matches a request.
     *
     * @param method the upper-case HTTP method
     * @param rawPath the raw (still percent-encoded) path
     * @throws IllegalArgumentException if the path has a malformed percent escape
     */
    Match match(String method, String rawPath) {
        List<String> segments = decodeSegments(rawPath);
        List<Compiled> candidates = new ArrayList<>();
        for (Compiled c : routes) {
            if (matches(c, segments)) {
                candidates.add(c);
            }
        }
        if (candidates.isEmpty()) {
            return new NotFound();
        }
        Compiled best = null;
        for (Compiled c : candidates) {
            if (c.route().method().equals(method) && (best == null || moreSpecific(c, best))) {
                best = c;
            }
        }
        if (best == null) {
            TreeSet<String> allowed = new TreeSet<>();
            candidates.forEach(c -> allowed.add(c.route().method()));
            return new MethodNotAllowed(List.copyOf(allowed));
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 0; i < segments.size(); i++) {
            if (best.isParam(i)) {
                String name = best.segments().get(i);
                params.put(name.substring(1, name.length() - 1), segments.get(i));
            }
        }
        return new Found(best.route(), Collections.unmodifiableMap(params));
    }

    private static boolean matches(Compiled c, List<String> segments) {
        if (c.segments().size() != segments.size()) {
            return false;
        }
        for (int i = 0; i < segments.size(); i++) {
            String actual = segments.get(i);
            if (c.isParam(i) ? actual.isEmpty() : !c.segments().get(i).equals(actual)) {
                return false;
            }
        }
        return true;
    }

    private static boolean moreSpecific(Compiled a, Compiled b) {
        for (int i = 0; i < a.segments().size(); i++) {
            if (a.isParam(i) != b.isParam(i)) {
                return !a.isParam(i);
            }
        }
        return false;
    }

    static List<String> decodeSegments(String rawPath) {
        String trimmed = rawPath.startsWith("/") ? rawPath.substring(1) : rawPath;
        String[] raw = trimmed.split("/", -1);
        List<String> decoded = new ArrayList<>(raw.length);
        for (String segment : raw) {
            // '+' is a literal plus in a path; only query strings use it for a space
            decoded.add(URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8));
        }
        return decoded;
    }
}
