package dev.chassis.discovery;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One {@code host:port} of a static or DNS entry, and the parser of comma-separated lists of them
 * ({@code 10.0.0.7:8080, [fd00::7]:8080, orders.shop.svc.cluster.local:8080}).
 */
record StaticHostPort(String host, int port) {
    /** The format, as a phrase for error messages. */
    static final String FORMAT = "a comma-separated list of host:port, e.g. 10.0.0.7:8080,10.0.0.8:8080"
            + " (IPv6 in brackets: [fd00::7]:8080)";

    /**
     * Parses a list; spaces around entries are ignored.
     *
     * @throws IllegalArgumentException naming the bad entry and what is wrong with it
     */
    static List<StaticHostPort> parseList(String text) {
        if (text.isBlank()) {
            throw new IllegalArgumentException("the list is empty");
        }
        List<StaticHostPort> out = new ArrayList<>();
        Set<StaticHostPort> seen = new HashSet<>();
        for (String raw : text.split(",", -1)) {
            String entry = raw.strip();
            if (entry.isEmpty()) {
                throw new IllegalArgumentException("an entry is empty (stray comma?)");
            }
            StaticHostPort hp = parse(entry);
            if (!seen.add(hp)) {
                throw new IllegalArgumentException("'" + entry + "' is listed twice");
            }
            out.add(hp);
        }
        return List.copyOf(out);
    }

    /** Parses one {@code host:port}. */
    static StaticHostPort parse(String entry) {
        String host;
        String port;
        if (entry.startsWith("[")) {
            int close = entry.indexOf(']');
            if (close < 0 || close + 1 >= entry.length() || entry.charAt(close + 1) != ':') {
                throw new IllegalArgumentException("'" + entry + "' must be [ipv6-address]:port");
            }
            host = entry.substring(1, close);
            port = entry.substring(close + 2);
        } else {
            int colon = entry.lastIndexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("'" + entry + "' has no port; write host:port");
            }
            host = entry.substring(0, colon);
            port = entry.substring(colon + 1);
            if (host.contains(":")) {
                throw new IllegalArgumentException("'" + entry + "' looks like an IPv6 address; write [address]:port");
            }
        }
        if (host.isBlank() || host.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c)
                || c == '/' || c == '@')) {
            throw new IllegalArgumentException("'" + entry + "' has no valid host");
        }
        if (!port.matches("[0-9]{1,5}") || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535) {
            throw new IllegalArgumentException("'" + entry + "' has no valid port (1..65535)");
        }
        return new StaticHostPort(host, Integer.parseInt(port));
    }

    /** The instance id: {@code host:port}, IPv6 addresses in brackets. */
    String id() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    @Override
    public String toString() {
        return id();
    }
}
