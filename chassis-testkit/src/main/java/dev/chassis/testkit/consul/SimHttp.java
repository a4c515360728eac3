package dev.chassis.testkit.consul;

import com.sun.net.httpserver.HttpExchange;
import dev.chassis.core.json.JsonCodec;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The simulator's HTTP side: records each request, applies faults and the ACL, and routes to the
 * {@link SimAgent}. Thread-safe; each request runs on a thread of the server's pool.
 */
final class SimHttp {
    private static final JsonCodec JSON = JsonCodec.defaults();
    private static final List<String> ENDPOINTS = List.of("/v1/agent/service/register", "/v1/agent/service/deregister",
            "/v1/agent/check/pass", "/v1/agent/check/warn", "/v1/agent/check/fail", "/v1/agent/check/update",
            "/v1/agent/services", "/v1/agent/service", "/v1/health/service");

    private final SimAgent agent;
    private final @Nullable String aclToken;
    private final List<RecordedRequest> requests;
    private final SimFaults faults;

    SimHttp(SimAgent agent, @Nullable String aclToken, List<RecordedRequest> requests, SimFaults faults) {
        this.agent = agent;
        this.aclToken = aclToken;
        this.requests = requests;
        this.faults = faults;
    }

    void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String method = ex.getRequestMethod().toUpperCase(Locale.ROOT);
            URI uri = ex.getRequestURI();
            String path = uri.getRawPath();
            String body;
            try (InputStream in = ex.getRequestBody()) {
                body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            Map<String, List<String>> headers = new LinkedHashMap<>();
            ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), List.copyOf(v)));
            requests.add(new RecordedRequest(method, uri.toString(), method + " " + endpoint(path), headers, body,
                    Instant.now()));
            Fault fault = faults.faultFor(path);
            if (fault == Fault.RESET) {
                return;
            }
            if (fault == Fault.HANG) {
                faults.awaitRelease();
                return;
            }
            if (fault == Fault.ERROR_500) {
                respond(ex, 500, "simulated agent failure", null);
                return;
            }
            Map<String, String> query = query(uri.getRawQuery());
            if (aclToken != null && !aclToken.equals(first(headers.get("x-consul-token"), query.get("token")))) {
                respond(ex, 403, "ACL not found", null);
                return;
            }
            agent.sweep();
            route(ex, method, path, query, body);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @SuppressWarnings("unchecked")
    private void route(HttpExchange ex, String method, String path, Map<String, String> query, String body)
            throws IOException, InterruptedException {
        if (path.equals("/v1/agent/service/register") && method.equals("PUT")) {
            Map<String, Object> json;
            try {
                json = body.isBlank() ? Map.of() : JSON.read(body, Map.class);
            } catch (RuntimeException e) {
                respond(ex, 400, "Request decode failed: " + e.getMessage(), null);
                return;
            }
            String error;
            try {
                error = agent.register(json);
            } catch (IllegalArgumentException e) {
                error = e.getMessage();
            }
            respond(ex, error == null ? 200 : 400, error == null ? "" : error, null);
        } else if (path.startsWith("/v1/agent/service/deregister/") && method.equals("PUT")) {
            String id = tail(path, "/v1/agent/service/deregister/");
            boolean known = agent.deregister(id);
            respond(ex, known ? 200 : 404, known ? "" : "Unknown service ID \"" + id + "\"", null);
        } else if (path.startsWith("/v1/agent/check/") && method.equals("PUT")) {
            ttlUpdate(ex, path, query, body);
        } else if (path.equals("/v1/agent/services") && method.equals("GET")) {
            Map<String, Object> out = new LinkedHashMap<>();
            agent.services().values().forEach(s -> out.put(s.id(), SimAgent.serviceJson(s)));
            respond(ex, 200, JSON.writeString(out), null);
        } else if (path.startsWith("/v1/agent/service/") && method.equals("GET")) {
            SimulatedService s = agent.services().get(tail(path, "/v1/agent/service/"));
            if (s == null) {
                respond(ex, 404, "unknown service ID: " + tail(path, "/v1/agent/service/"), null);
            } else {
                respond(ex, 200, JSON.writeString(SimAgent.serviceJson(s)), null);
            }
        } else if (path.startsWith("/v1/health/service/") && method.equals("GET")) {
            long requested = parseIndex(query.get("index"));
            long current = agent.index();
            if (requested > 0 && requested == current) {
                Duration wait = query.containsKey("wait") ? GoDuration.parse(query.get("wait")) : Duration.ofMinutes(5);
                wait = wait.compareTo(Duration.ofMinutes(10)) > 0 ? Duration.ofMinutes(10) : wait;
                current = agent.awaitChange(requested, wait);
            }
            List<Map<String, Object>> entries = agent.health(tail(path, "/v1/health/service/"), query.containsKey("passing"));
            respond(ex, 200, JSON.writeString(entries), current);
        } else {
            respond(ex, 404, "no such endpoint in the simulator: " + method + " " + path, null);
        }
    }

    @SuppressWarnings("unchecked")
    private void ttlUpdate(HttpExchange ex, String path, Map<String, String> query, String body) throws IOException {
        String rest = tail(path, "/v1/agent/check/");
        int slash = rest.indexOf('/');
        if (slash < 0) {
            respond(ex, 404, "no such endpoint in the simulator: PUT " + path, null);
            return;
        }
        String verb = rest.substring(0, slash);
        String checkId = rest.substring(slash + 1);
        CheckStatus status;
        String output = query.getOrDefault("note", "");
        switch (verb) {
            case "pass":
                status = CheckStatus.PASSING;
                break;
            case "warn":
                status = CheckStatus.WARNING;
                break;
            case "fail":
                status = CheckStatus.CRITICAL;
                break;
            case "update":
                try {
                    Map<String, Object> json = JSON.read(body, Map.class);
                    status = CheckStatus.fromJson(String.valueOf(json.get("Status")));
                    output = json.get("Output") == null ? "" : String.valueOf(json.get("Output"));
                } catch (RuntimeException e) {
                    respond(ex, 400, "Invalid check status: " + e.getMessage(), null);
                    return;
                }
                break;
            default:
                respond(ex, 404, "no such endpoint in the simulator: PUT " + path, null);
                return;
        }
        int code = agent.updateTtl(checkId, status, output);
        respond(ex, code, code == 404 ? "Unknown check ID \"" + checkId + "\""
                : code == 500 ? "CheckID \"" + checkId + "\" does not have associated TTL" : "", null);
    }

    private static void respond(HttpExchange ex, int code, String body, @Nullable Long index) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", code == 200 && !body.isEmpty() ? "application/json" : "text/plain");
        if (index != null) {
            ex.getResponseHeaders().set(ConsulSimulator.INDEX_HEADER, Long.toString(index));
        }
        ex.sendResponseHeaders(code, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    static String endpoint(String path) {
        for (String e : ENDPOINTS) {
            if (path.equals(e) || path.startsWith(e + "/")) {
                return e;
            }
        }
        return path;
    }

    private static String tail(String path, String prefix) {
        return URLDecoder.decode(path.substring(prefix.length()), StandardCharsets.UTF_8);
    }

    private static Map<String, String> query(@Nullable String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            out.put(k, eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return out;
    }

    private static long parseIndex(@Nullable String s) {
        try {
            return s == null || s.isEmpty() ? 0 : Long.parseLong(s);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static @Nullable String first(@Nullable List<String> values, @Nullable String fallback) {
        return values != null && !values.isEmpty() ? values.get(0) : fallback;
    }
}
