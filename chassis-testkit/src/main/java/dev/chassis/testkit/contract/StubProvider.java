package dev.chassis.testkit.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The provider's stand-in during a consumer test: a JDK {@code HttpServer} on a free loopback port
 * that answers each request with the response of the first declared interaction whose request
 * matches, and answers anything else with status 500 and the closest interaction's mismatches. It
 * records which interactions were used and which requests were unexpected. Thread-safe.
 */
final class StubProvider implements AutoCloseable {
    static final int UNEXPECTED_STATUS = 500;

    private final Object lock = new Object();
    private final List<HttpInteraction> interactions = new ArrayList<>();
    private final List<HttpInteraction> used = new ArrayList<>();
    private final List<String> unexpected = new ArrayList<>();
    private final HttpServer server;
    private final ExecutorService executor;

    StubProvider() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the stub provider: " + e.getMessage(), e);
        }
        executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "contract-stub-provider");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    URI baseUri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    void add(HttpInteraction interaction) {
        synchronized (lock) {
            interactions.add(interaction);
        }
    }

    /** Interactions declared and requested, in declaration order. */
    List<HttpInteraction> used() {
        synchronized (lock) {
            return interactions.stream().filter(used::contains).toList();
        }
    }

    List<HttpInteraction> missing() {
        synchronized (lock) {
            return interactions.stream().filter(i -> !used.contains(i)).toList();
        }
    }

    List<String> unexpected() {
        synchronized (lock) {
            return List.copyOf(unexpected);
        }
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            byte[] body;
            try (InputStream in = ex.getRequestBody()) {
                body = in.readAllBytes();
            }
            Map<String, List<String>> headers = new LinkedHashMap<>();
            ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), List.copyOf(v)));
            HttpParts.Received request = new HttpParts.Received(ex.getRequestMethod(), ex.getRequestURI().getRawPath(),
                    HttpParts.parseQuery(ex.getRequestURI().getRawQuery()), headers, body);
            HttpInteraction match = null;
            List<Mismatch> closest = null;
            synchronized (lock) {
                for (HttpInteraction candidate : interactions) {
                    List<Mismatch> mismatches = HttpParts.matchRequest(candidate.toString(),
                            candidate.node().get("request"), request);
                    if (mismatches.isEmpty()) {
                        match = candidate;
                        break;
                    }
                    if (closest == null || mismatches.size() < closest.size()) {
                        closest = mismatches;
                    }
                }
                if (match != null) {
                    if (!used.contains(match)) {
                        used.add(match);
                    }
                } else {
                    unexpected.add(describe(request, closest));
                }
            }
            if (match == null) {
                send(ex, UNEXPECTED_STATUS, Map.of("Content-Type", List.of("text/plain; charset=utf-8")),
                        ("unexpected request " + describe(request, closest)).getBytes(StandardCharsets.UTF_8));
                return;
            }
            JsonNode response = match.node().get("response");
            send(ex, response.path("status").asInt(200), HttpParts.responseHeaders(response),
                    HttpParts.bytes(response.get("body")));
        }
    }

    private static String describe(HttpParts.Received request, List<Mismatch> closest) {
        if (closest == null) {
            return request.describe() + " (no interaction is declared)";
        }
        StringBuilder b = new StringBuilder(request.describe()).append(" (closest interaction ")
                .append(closest.get(0).interaction()).append(" differs at");
        closest.forEach(m -> b.append("\n  ").append(m.toString().replace("\n", "\n  ")));
        return b.append(')').toString();
    }

    private static void send(HttpExchange ex, int status, Map<String, List<String>> headers, byte[] body)
            throws IOException {
        headers.forEach((name, values) -> ex.getResponseHeaders().put(name, values));
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
