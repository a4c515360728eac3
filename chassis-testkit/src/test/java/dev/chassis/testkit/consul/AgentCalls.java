package dev.chassis.testkit.consul;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Raw calls to the simulator's HTTP API, as another process on the node would make them. */
final class AgentCalls {
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private AgentCalls() {
    }

    /** Registers an HTTP-checked instance on 127.0.0.1 (the simulator starts it passing). */
    static HttpResponse<String> registerHttpChecked(ConsulSimulator consul, String service, String id, int port) {
        String body = "{\"ID\":\"" + id + "\",\"Name\":\"" + service + "\",\"Address\":\"127.0.0.1\",\"Port\":" + port
                + ",\"Check\":{\"HTTP\":\"http://127.0.0.1:" + port + "/health\",\"Interval\":\"10s\"}}";
        return put(consul, "/v1/agent/service/register", body);
    }

    static HttpResponse<String> put(ConsulSimulator consul, String path, String body) {
        return send(HttpRequest.newBuilder(consul.uri().resolve(path)).PUT(HttpRequest.BodyPublishers.ofString(body)));
    }

    static HttpResponse<String> get(ConsulSimulator consul, String path) {
        return send(HttpRequest.newBuilder(consul.uri().resolve(path)).GET());
    }

    static HttpResponse<String> get(URI uri, Duration timeout) throws IOException, InterruptedException {
        return CLIENT.send(HttpRequest.newBuilder(uri).timeout(timeout).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> send(HttpRequest.Builder b) {
        try {
            return CLIENT.send(b.timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
