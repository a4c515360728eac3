package dev.chassis.examples.gateway;

import java.util.Optional;

/**
 * Decides whether a request path is in the one normal form the gateway forwards. Anything a
 * server, a proxy or an upstream framework might read in two ways is refused rather than repaired:
 * the gateway answers 400 and nothing is forwarded.
 *
 * <p>Stateless; the methods are thread-safe.
 */
final class RequestTarget {
    private RequestTarget() {
    }

    /**
     * Why a raw (still percent-encoded) path must be refused.
     *
     * @param rawPath the path as it arrived, without the query
     * @return the reason, or empty when the path may be routed
     */
    static Optional<String> problem(String rawPath) {
        if (rawPath.isEmpty() || rawPath.charAt(0) != '/') {
            return Optional.of("the request target must be a path starting with '/'");
        }
        if (rawPath.contains("//")) {
            return Optional.of("the path has an empty segment ('//')");
        }
        for (int i = 0; i < rawPath.length(); i++) {
            char c = rawPath.charAt(i);
            if (c == '%') {
                int decoded = i + 2 < rawPath.length() ? hex(rawPath.charAt(i + 1), rawPath.charAt(i + 2)) : -1;
                if (decoded < 0) {
                    return Optional.of("the path has a malformed percent-encoding");
                }
                if (decoded == '/' || decoded == '\\' || decoded == '.' || decoded == '%' || decoded < 0x20 || decoded == 0x7f) {
                    return Optional.of("the path has an encoded '/', '\\', '.', '%' or control character");
                }
                i += 2;
            } else if (!allowed(c)) {
                return Optional.of("the path has a character that is not allowed there (backslash, ';', space, control or non-ASCII)");
            }
        }
        for (String segment : rawPath.split("/", -1)) {
            if (segment.equals(".") || segment.equals("..")) {
                return Optional.of("the path has a '.' or '..' segment");
            }
        }
        return Optional.empty();
    }

    /** RFC 3986 pchar and '/', without ';' (path parameters are read differently by different servers). */
    private static boolean allowed(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || "-._~!$&'()*+,=:@/".indexOf(c) >= 0;
    }

    private static int hex(char high, char low) {
        int h = Character.digit(high, 16);
        int l = Character.digit(low, 16);
        return h < 0 || l < 0 ? -1 : h * 16 + l;
    }
}
