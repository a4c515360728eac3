package dev.chassis.testkit.consul;

import static java.util.Objects.requireNonNull;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.chassis.core.json.JsonCodec;
import dev.chassis.testkit.time.TestClock;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * A Consul agent simulated in the test's JVM, on a JDK {@code HttpServer} at a free port of
 * 127.0.0.1, written from Consul's HTTP API documentation. It serves:
 *
 * <ul>
 *   <li>{@code PUT /v1/agent/service/register} with {@code Check} or {@code Checks} (TTL or HTTP,
 *       {@code DeregisterCriticalServiceAfter}, {@code Status}); 400 without {@code Name};</li>
 *   <li>{@code PUT /v1/agent/service/deregister/{id}} (404 for an unknown id);</li>
 *   <li>{@code PUT /v1/agent/check/pass|warn|fail/{checkId}} and {@code PUT /v1/agent/check/update/{checkId}}
 *       ({@code {"Status","Output"}}): 404 for an unknown check, 500 for a check without TTL;</li>
 *   <li>{@code GET /v1/agent/services} and {@code GET /v1/agent/service/{id}} (404 if unknown);</li>
 *   <li>{@code GET /v1/health/service/{name}} with {@code passing}, and blocking queries: with
 *       {@code index} equal to the current index the request waits (real time, {@code wait}
 *       defaulting to 5 min, at most 10 min, no jitter) for any change; an {@code index} lower or
 *       higher than the current one answers at once. Answers carry {@code X-Consul-Index}.</li>
 * </ul>
 *
 * <p>TTL checks start critical (as in Consul) unless the registration gives a {@code Status}, and
 * turn critical when not updated within their TTL by the simulator's {@link TestClock}; a service
 * with a check critical for its {@code DeregisterCriticalServiceAfter} is removed. HTTP checks are
 * <em>not polled</em>: they start {@link CheckStatus#PASSING} (or as the builder says) and change
 * only through {@link #setCheckStatus}. Time-driven changes happen on {@link #advance(Duration)}, on
 * every request and every 50 ms. With an {@linkplain Builder#aclToken ACL token} set, requests
 * without it (in {@code X-Consul-Token} or the {@code token} query parameter) are answered 403.
 * Every request is recorded (method, URI, headers, body) before faults apply.
 *
 * <pre>{@code
 * try (ConsulSimulator consul = ConsulSimulator.start()) {
 *     ConsulServiceRegistry registry = ConsulServiceRegistry.builder().agent(consul.uri()).build();
 *     consul.forgetAll();                        // the agent restarted with its data wiped
 *     consul.advance(Duration.ofMinutes(2));     // TTLs expire, critical services are reaped
 * }
 * }</pre>
 *
 * <p>Instances are thread-safe; close them to stop the server.
 */
public final class ConsulSimulator implements AutoCloseable {
    /** The header of blocking-query answers. */
    public static final String INDEX_HEADER = "X-Consul-Index";
    private static final JsonCodec JSON = JsonCodec.defaults();
    private static final List<String> ENDPOINTS = List.of("/v1/agent/service/register", "/v1/agent/service/deregister",
            "/v1/agent/check/pass", "/v1/agent/check/warn", "/v1/agent/check/fail", "/v1/agent/check/update",
            "/v1/agent/services", "/v1/agent/service", "/v1/health/service");

    private final HttpServer server;
    private final ExecutorService executor;
    private final ScheduledExecutorService sweeper;
    private final TestClock clock;
    private final SimAgent agent;
    private final @Nullable String aclToken;
    private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
    private final Map<String, Fault> faults = new ConcurrentHashMap<>();
    private final AtomicReference<CountDownLatch> hangRelease = new AtomicReference<>(new CountDownLatch(1));
    private volatile boolean closed;

    private ConsulSimulator(Builder b) throws IOException {
        this.clock = b.clock;
        this.aclToken = b.aclToken;
        this.agent = new SimAgent(clock, b.httpCheckStatus);
        this.executor = Executors.newCachedThreadPool(r -> daemon(r, "consul-simulator"));
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
        this.sweeper = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "consul-simulator-sweeper"));
        sweeper.scheduleWithFixedDelay(agent::sweep, 50, 50, TimeUnit.MILLISECONDS);
    }

    /**
     * Starts a simulator with default settings and a {@link TestClock} at the current time.
     *
     * @return the running simulator
     */
    public static ConsulSimulator start() {
        return builder().start();
    }

    /**
     * A builder for a simulator with other settings.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the agent's base URI, e.g. {@code http://127.0.0.1:41234} */
    public URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** @return the simulator's clock, which TTLs and critical deregistration follow */
    public TestClock clock() {
        return clock;
    }

    /**
     * Moves the simulator's clock and applies what time does: TTL expiry, reaping of critical services.
     *
     * @param by how far
     */
    public void advance(Duration by) {
        clock.advance(requireNonNull(by, "by"));
        agent.sweep();
    }

    /**
     * Sets the state of a check, as the agent's own poll or a TTL update would.
     *
     * @param checkId the check id, e.g. {@code service:orders-1}
     * @param status the state
     * @throws IllegalArgumentException if there is no such check
     */
    public void setCheckStatus(String checkId, CheckStatus status) {
        agent.setStatus(requireNonNull(checkId, "checkId"), requireNonNull(status, "status"));
    }

    /**
     * Sets the state of every check of a service.
     *
     * @param serviceId the service id
     * @param status the state
     * @throws IllegalArgumentException if there is no such service
     */
    public void setServiceStatus(String serviceId, CheckStatus status) {
        agent.setServiceStatus(requireNonNull(serviceId, "serviceId"), requireNonNull(status, "status"));
    }

    /**
     * The state of a check.
     *
     * @param checkId the check id
     * @return the state, empty if the agent has no such check
     */
    public Optional<CheckStatus> checkStatus(String checkId) {
        return Optional.ofNullable(agent.status(requireNonNull(checkId, "checkId")));
    }

    /** @return the registered services by id, a snapshot */
    public Map<String, SimulatedService> services() {
        return agent.services();
    }

    /** Forgets every service and check, as an agent restarted with its data directory wiped. */
    public void forgetAll() {
        agent.forgetAll();
    }

    /** @return the current Raft index, which every change raises */
    public long index() {
        return agent.index();
    }

    /**
     * Sets the Raft index, e.g. lower than before (a restored snapshot) or 0, and wakes blocked queries.
     *
     * @param value the new index, not negative
     */
    public void setIndex(long value) {
        if (value < 0) {
            throw new IllegalArgumentException("index must not be negative, was " + value);
        }
        agent.setIndex(value);
    }

    /**
     * Injects a fault into every request.
     *
     * @param fault the fault
     */
    public void fault(Fault fault) {
        fault("/", fault);
    }

    /**
     * Injects a fault into the requests whose path starts with a prefix, e.g. {@code /v1/health/}.
     *
     * @param pathPrefix the path prefix
     * @param fault the fault
     */
    public void fault(String pathPrefix, Fault fault) {
        faults.put(requireNonNull(pathPrefix, "pathPrefix"), requireNonNull(fault, "fault"));
    }

    /** Removes every fault and releases hanging requests (their connections are closed unanswered). */
    public void heal() {
        faults.clear();
        hangRelease.getAndSet(new CountDownLatch(1)).countDown();
    }

    /** @return every request received so far, in arrival order */
    public List<RecordedRequest> requests() {
        return List.copyOf(requests);
    }

    /**
     * How many requests an endpoint received.
     *
     * @param endpoint method and path without parameters, e.g. {@code GET /v1/health/service}
     * @return the count
     */
    public long requestCount(String endpoint) {
        requireNonNull(endpoint, "endpoint");
        return requests.stream().filter(r -> r.endpoint().equals(endpoint)).count();
    }

    /** @return the number of requests per endpoint, e.g. {@code {"PUT /v1/agent/check/update": 12}} */
    public Map<String, Long> requestCounts() {
        Map<String, Long> out = new LinkedHashMap<>();
        for (RecordedRequest r : requests) {
            out.merge(r.endpoint(), 1L, Long::sum);
        }
        return out;
    }

    /** Forgets the recorded requests. */
    public void clearRequests() {
        requests.clear();
    }

    /** Stops the server, releasing hanging and blocked requests. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        hangRelease.get().countDown();
        agent.wakeAll();
        sweeper.shutdownNow();
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange ex) throws IOException {
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
            Fault fault = faultFor(path);
            if (fault == Fault.RESET) {
                return;
            }
            if (fault == Fault.HANG) {
                awaitRelease();
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

    private @Nullable Fault faultFor(String path) {
        Fault found = null;
        int longest = -1;
        for (Map.Entry<String, Fault> e : faults.entrySet()) {
            if (path.startsWith(e.getKey()) && e.getKey().length() > longest) {
                found = e.getValue();
                longest = e.getKey().length();
            }
        }
        return found;
    }

    private void awaitRelease() throws InterruptedException {
        CountDownLatch latch = hangRelease.get();
        if (!closed) {
            latch.await();
        }
    }

    private static void respond(HttpExchange ex, int code, String body, @Nullable Long index) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", code == 200 && !body.isEmpty() ? "application/json" : "text/plain");
        if (index != null) {
            ex.getResponseHeaders().set(INDEX_HEADER, Long.toString(index));
        }
        ex.sendResponseHeaders(code, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    private static String endpoint(String path) {
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

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** Settings of a {@link ConsulSimulator}. Not thread-safe; {@link #start()} copies. */
    public static final class Builder {
        private TestClock clock = TestClock.at(Instant.now());
        private @Nullable String aclToken;
        private CheckStatus httpCheckStatus = CheckStatus.PASSING;

        private Builder() {
        }

        /**
         * The clock TTLs and critical deregistration follow; default a {@link TestClock} at the current time.
         *
         * @param clock the clock
         * @return this builder
         */
        public Builder clock(TestClock clock) {
            this.clock = requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Requires this ACL token on every request (403 {@code ACL not found} otherwise); default none.
         *
         * @param token the token
         * @return this builder
         */
        public Builder aclToken(String token) {
            this.aclToken = requireNonNull(token, "token");
            return this;
        }

        /**
         * The state HTTP checks start in, since the simulator does not poll them; default passing.
         *
         * @param status the initial state
         * @return this builder
         */
        public Builder httpCheckStatus(CheckStatus status) {
            this.httpCheckStatus = requireNonNull(status, "status");
            return this;
        }

        /**
         * Starts the simulator.
         *
         * @return the running simulator
         * @throws java.io.UncheckedIOException if no port could be bound
         */
        public ConsulSimulator start() {
            try {
                return new ConsulSimulator(this);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("could not start the Consul simulator", e);
            }
        }
    }
}
