package dev.chassis.testkit.consul;

import static java.util.Objects.requireNonNull;

import com.sun.net.httpserver.HttpServer;
import dev.chassis.testkit.time.TestClock;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
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

    private final HttpServer server;
    private final ExecutorService executor;
    private final ScheduledExecutorService sweeper;
    private final TestClock clock;
    private final SimAgent agent;
    private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
    private final SimFaults faults = new SimFaults();
    private volatile boolean closed;

    private ConsulSimulator(Builder b) throws IOException {
        this.clock = b.clock;
        this.agent = new SimAgent(clock, b.httpCheckStatus);
        this.executor = Executors.newCachedThreadPool(r -> daemon(r, "consul-simulator"));
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.setExecutor(executor);
        SimHttp http = new SimHttp(agent, b.aclToken, requests, faults);
        server.createContext("/", http::handle);
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
        faults.heal();
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
        faults.close();
        agent.wakeAll();
        sweeper.shutdownNow();
        server.stop(0);
        executor.shutdownNow();
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
