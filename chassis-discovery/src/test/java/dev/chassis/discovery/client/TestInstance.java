package dev.chassis.discovery.client;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpServer;
import dev.chassis.discovery.ServiceInstance;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * One instance of a service for the tests: a JDK HttpServer on a free local port that answers every
 * request with its id, after an optional delay, with a settable status. Counts requests, keeps the last
 * request's headers, method and URI.
 */
final class TestInstance implements AutoCloseable {
    static {
        // the JDK server writes headers and body separately; with Nagle on, each response waits for a delayed ACK
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private final String service;
    private final String id;
    private final HttpServer server;
    private final ExecutorService workers = Executors.newCachedThreadPool();
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicReference<Headers> lastHeaders = new AtomicReference<>();
    private final AtomicReference<String> lastRequestLine = new AtomicReference<>();
    private volatile int status = 200;
    private volatile long delayNanos;

    private TestInstance(String service, String id) {
        this.service = service;
        this.id = id;
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 100);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", exchange -> {
            try (exchange; InputStream in = exchange.getRequestBody()) {
                in.readAllBytes();
                requests.incrementAndGet();
                lastHeaders.set(exchange.getRequestHeaders());
                lastRequestLine.set(exchange.getRequestMethod() + " " + exchange.getRequestURI());
                long delay = delayNanos;
                if (delay > 0) {
                    // simulated service time of this instance
                    LockSupport.parkNanos(delay);
                }
                byte[] body = id.getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(status, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        });
        server.setExecutor(workers);
        server.start();
    }

    static TestInstance start(String service, String id) {
        return new TestInstance(service, id);
    }

    /** A free local port with nothing listening on it. */
    static int closedPort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    ServiceInstance instance() {
        return ServiceInstance.of(service, id, "127.0.0.1", server.getAddress().getPort());
    }

    TestInstance status(int status) {
        this.status = status;
        return this;
    }

    TestInstance delayMillis(long millis) {
        this.delayNanos = millis * 1_000_000L;
        return this;
    }

    int requests() {
        return requests.get();
    }

    Headers lastHeaders() {
        return lastHeaders.get();
    }

    String lastRequestLine() {
        return lastRequestLine.get();
    }

    /** Stops listening at once, as a killed process would. */
    @Override
    public void close() {
        server.stop(0);
        workers.shutdownNow();
    }
}
