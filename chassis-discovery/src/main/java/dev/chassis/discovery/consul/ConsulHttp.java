package dev.chassis.discovery.consul;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * The agent's HTTP API over the JDK client. The token goes only into the {@code X-Consul-Token}
 * header: never into a URL, an exception message or a log line. Every request has a deadline.
 * Thread-safe.
 */
final class ConsulHttp {
    static final String TOKEN_HEADER = "X-Consul-Token";
    static final String INDEX_HEADER = "X-Consul-Index";

    private final HttpClient client;
    private final URI agent;
    private final @Nullable String token;
    private final Duration readTimeout;

    /** An answer: status, body, and the {@code X-Consul-Index} (0 if absent or unreadable). */
    record Answer(int status, String body, long index) {
        boolean ok() {
            return status >= 200 && status < 300;
        }
    }

    ConsulHttp(URI agent, @Nullable String token, Duration connectTimeout, Duration readTimeout) {
        this.agent = agent;
        this.token = token;
        this.readTimeout = readTimeout;
        this.client = HttpClient.newBuilder().connectTimeout(connectTimeout).version(HttpClient.Version.HTTP_1_1).build();
    }

    Answer get(String pathAndQuery, Duration timeout) throws IOException, InterruptedException {
        return send(base(pathAndQuery, timeout).GET().build());
    }

    Answer get(String pathAndQuery) throws IOException, InterruptedException {
        return get(pathAndQuery, readTimeout);
    }

    Answer put(String pathAndQuery, @Nullable String json) throws IOException, InterruptedException {
        return put(pathAndQuery, json, readTimeout);
    }

    Answer put(String pathAndQuery, @Nullable String json, Duration timeout) throws IOException, InterruptedException {
        HttpRequest.BodyPublisher body = json == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8);
        return send(base(pathAndQuery, timeout).PUT(body).header("Content-Type", "application/json").build());
    }

    Duration readTimeout() {
        return readTimeout;
    }

    /** The agent's address, for messages: scheme, host and port only. */
    String agent() {
        return agent.toString();
    }

    private HttpRequest.Builder base(String pathAndQuery, Duration timeout) {
        HttpRequest.Builder b = HttpRequest.newBuilder(agent.resolve(pathAndQuery)).timeout(timeout);
        if (token != null) {
            b.header(TOKEN_HEADER, token);
        }
        return b;
    }

    private Answer send(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        long index = 0;
        String header = r.headers().firstValue(INDEX_HEADER).orElse("");
        try {
            index = header.isEmpty() ? 0 : Long.parseLong(header.trim());
        } catch (NumberFormatException e) {
            index = 0;
        }
        return new Answer(r.statusCode(), r.body(), index);
    }

    static String encode(String pathSegment) {
        return URLEncoder.encode(pathSegment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** A short description of a failure for logs and messages: class and message, never headers. */
    static String describe(Throwable e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + m);
    }
}
