package dev.chassis.core.admin;

import static java.util.Objects.requireNonNull;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpServer;
import dev.chassis.core.NonRetryableException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin HTTP server: serves {@link AdminRoute}s (health, readiness, operations under
 * {@code /chassis/...}) on a port of its own, apart from the service's main traffic, on the JDK's
 * built-in HTTP server.
 *
 * <p>Answers with JSON error bodies {@code {"error": "..."}}: 404 for an unknown path, 405 with an
 * {@code Allow} header for a known path and another method, 413 for a body over
 * {@linkplain Builder#maxBodyBytes(int) the limit}, 500 when a handler
 * throws (the exception is logged, never sent). {@code GET /chassis} lists the routes.
 *
 * <p>Requests run on a small bounded pool ({@linkplain Builder#threads(int) 2 threads} by default,
 * 64 queued requests); when it is full the server stops accepting connections until a thread frees
 * up. Instances are thread-safe; start one per process and close it last on shutdown.
 *
 * <pre>{@code
 * try (AdminServer admin = AdminServer.builder()
 *         .port(8081)
 *         .routes(health.adminRoutes())
 *         .build()
 *         .start()) {
 *     ...
 * }
 * }</pre>
 */
public final class AdminServer implements AutoCloseable {
    /** The default port, {@value}: next to the customary 8080 of the service itself. */
    public static final int DEFAULT_PORT = 8081;

    /** The default request body limit, {@value} bytes (64 KiB). */
    public static final int DEFAULT_MAX_BODY_BYTES = 64 * 1024;

    private static final Logger log = LoggerFactory.getLogger(AdminServer.class);
    private static final int QUEUE_CAPACITY = 64;

    private enum State { NEW, STARTED, STOPPED }

    private final String host;
    private final int requestedPort;
    private final int threads;
    private final RouteTable table;
    private final AdminExchangeHandler handler;
    private final List<Filter> filters;
    private final Object lock = new Object();
    private State state = State.NEW;
    private @Nullable HttpServer server;
    private @Nullable ThreadPoolExecutor executor;

    private AdminServer(Builder builder) {
        this.host = builder.host;
        this.requestedPort = builder.port;
        this.threads = builder.threads;
        List<AdminRoute> all = new ArrayList<>();
        all.add(AdminRoute.get("/chassis", request -> listing()));
        all.addAll(builder.routes);
        this.table = new RouteTable(all);
        this.handler = new AdminExchangeHandler(table, builder.maxBodyBytes);
        this.filters = List.copyOf(builder.filters);
    }

    /**
     * A builder with the defaults: host {@code 0.0.0.0}, port {@value #DEFAULT_PORT}, body limit
     * 64 KiB, 2 threads, no routes but {@code GET /chassis}.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Binds the port and starts serving.
     *
     * @return this server, to chain after {@link Builder#build()}
     * @throws IllegalStateException if the server was started before
     * @throws NonRetryableException if the address cannot be bound, e.g. the port is in use
     */
    public AdminServer start() {
        synchronized (lock) {
            if (state != State.NEW) {
                throw new IllegalStateException("admin server was already started");
            }
            HttpServer http;
            try {
                http = HttpServer.create(new InetSocketAddress(host, requestedPort), 0);
            } catch (IOException e) {
                throw new NonRetryableException("cannot bind the admin server to " + host + ":" + requestedPort
                        + " (" + e.getMessage() + "); choose a free port with AdminServer.builder().port(...)", e);
            }
            ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
                    new ArrayBlockingQueue<>(QUEUE_CAPACITY), daemonThreads(),
                    // runs on the accepting thread: back-pressure instead of dropping a probe
                    new ThreadPoolExecutor.CallerRunsPolicy());
            pool.allowCoreThreadTimeOut(true);
            http.setExecutor(pool);
            http.createContext("/", handler).getFilters().addAll(filters);
            http.start();
            this.server = http;
            this.executor = pool;
            this.state = State.STARTED;
            log.info("admin server listening on {}:{} with {} routes", host, http.getAddress().getPort(),
                    table.routes().size());
            return this;
        }
    }

    /**
     * The bound port: the configured one, or the one the system chose for port 0.
     *
     * @return the port
     * @throws IllegalStateException if the server is not started
     */
    public int port() {
        synchronized (lock) {
            if (state != State.STARTED || server == null) {
                throw new IllegalStateException("admin server is not running; call start() first");
            }
            return server.getAddress().getPort();
        }
    }

    /**
     * The routes served, including the built-in {@code GET /chassis}, in registration order.
     *
     * @return an immutable list
     */
    public List<AdminRoute> routes() {
        return table.routes();
    }

    /**
     * Stops the server, letting requests in progress finish for up to {@code grace}. Calling it again
     * does nothing; a stopped server, or one stopped before it was started, cannot be started.
     *
     * @param grace how long to wait for requests in progress; {@link Duration#ZERO} to stop at once
     */
    public void stop(Duration grace) {
        requireNonNull(grace, "grace");
        if (grace.isNegative()) {
            throw new IllegalArgumentException("grace must not be negative, was " + grace);
        }
        HttpServer http;
        ThreadPoolExecutor pool;
        synchronized (lock) {
            if (state != State.STARTED) {
                state = State.STOPPED;
                return;
            }
            state = State.STOPPED;
            http = requireNonNull(server);
            pool = requireNonNull(executor);
        }
        handler.awaitIdle(grace);
        http.stop(0);
        pool.shutdownNow();
        log.info("admin server stopped");
    }

    /** Stops the server, letting requests in progress finish for up to one second. */
    @Override
    public void close() {
        stop(Duration.ofSeconds(1));
    }

    private AdminResponse listing() {
        List<Map<String, String>> routes = table.routes().stream()
                .sorted(Comparator.comparing(AdminRoute::pathTemplate).thenComparing(AdminRoute::method))
                .map(r -> Map.of("method", r.method(), "path", r.pathTemplate()))
                .toList();
        return AdminResponse.json(200, Map.of("routes", routes));
    }

    private static ThreadFactory daemonThreads() {
        AtomicInteger counter = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, "chassis-admin-" + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /**
     * Configures an {@link AdminServer}. Not thread-safe; {@link #build()} copies, so one builder
     * can make several servers.
     */
    public static final class Builder {
        private String host = "0.0.0.0";
        private int port = DEFAULT_PORT;
        private int maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
        private int threads = 2;
        private final List<AdminRoute> routes = new ArrayList<>();
        private final List<Filter> filters = new ArrayList<>();

        private Builder() {}

        /**
         * Adds a filter of the JDK server that runs around every request, in the order added, e.g.
         * a correlation filter that puts each request in its correlation and trace context. A filter
         * may answer a request itself instead of passing it on.
         *
         * @param filter the filter; called on the server's worker threads, so it must be thread-safe
         * @return this builder
         */
        public Builder filter(Filter filter) {
            filters.add(requireNonNull(filter, "filter"));
            return this;
        }

        /**
         * The address to listen on; default {@code 0.0.0.0} (all interfaces).
         *
         * @param host a host name or IP address, e.g. {@code 127.0.0.1} to serve only locally
         * @return this builder
         */
        public Builder host(String host) {
            requireNonNull(host, "host");
            if (host.isBlank()) {
                throw new IllegalArgumentException("host must not be blank");
            }
            this.host = host;
            return this;
        }

        /**
         * The port to listen on; default {@value AdminServer#DEFAULT_PORT}.
         *
         * @param port 1..65535, or 0 for a port the system chooses ({@link AdminServer#port()} tells which)
         * @return this builder
         */
        public Builder port(int port) {
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException("port must be 0..65535, was " + port);
            }
            this.port = port;
            return this;
        }

        /**
         * Adds a route.
         *
         * @param route the route; a second route with the same method and path shape fails {@link #build()}
         * @return this builder
         */
        public Builder route(AdminRoute route) {
            routes.add(requireNonNull(route, "route"));
            return this;
        }

        /**
         * Adds routes, e.g. the ones a module contributes.
         *
         * @param routes the routes
         * @return this builder
         */
        public Builder routes(Collection<AdminRoute> routes) {
            requireNonNull(routes, "routes").forEach(this::route);
            return this;
        }

        /**
         * The largest request body accepted; larger ones get 413. Default 64 KiB.
         *
         * @param maxBodyBytes at least 0
         * @return this builder
         */
        public Builder maxBodyBytes(int maxBodyBytes) {
            if (maxBodyBytes < 0 || maxBodyBytes == Integer.MAX_VALUE) {
                throw new IllegalArgumentException("maxBodyBytes must be 0.." + (Integer.MAX_VALUE - 1)
                        + ", was " + maxBodyBytes);
            }
            this.maxBodyBytes = maxBodyBytes;
            return this;
        }

        /**
         * The number of threads serving requests; default 2.
         *
         * @param threads 1..64
         * @return this builder
         */
        public Builder threads(int threads) {
            if (threads < 1 || threads > 64) {
                throw new IllegalArgumentException("threads must be 1..64, was " + threads);
            }
            this.threads = threads;
            return this;
        }

        /**
         * Builds a server that is not yet listening; call {@link AdminServer#start()}.
         *
         * @return the server
         * @throws IllegalArgumentException naming the route if two routes share method and path
         */
        public AdminServer build() {
            return new AdminServer(this);
        }
    }
}
