package dev.chassis.core.resilience;

import static java.util.Objects.requireNonNull;

import dev.chassis.core.admin.AdminResponse;
import dev.chassis.core.admin.AdminRoute;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The named circuit breakers of one application, created on first use and shared by name. Pass
 * the registry explicitly to whoever needs a breaker; there is no global instance. Its
 * {@link #adminRoutes()} show and reset the breakers over the admin server.
 *
 * <pre>{@code
 * CircuitBreakerRegistry breakers = CircuitBreakerRegistry.ofDefaults();
 * CircuitBreaker payments = breakers.circuitBreaker("payments");
 * adminServer.addRoutes(breakers.adminRoutes());
 * }</pre>
 *
 * <p>Instances are thread-safe and intended to be shared.
 */
public final class CircuitBreakerRegistry {
    private final Clock clock;
    private final CircuitBreakerConfig defaultConfig;
    private final ConcurrentMap<String, CircuitBreaker> breakers = new ConcurrentHashMap<>();

    private CircuitBreakerRegistry(Clock clock, CircuitBreakerConfig defaultConfig) {
        this.clock = clock;
        this.defaultConfig = defaultConfig;
    }

    /**
     * A registry on the system UTC clock whose breakers use
     * {@link CircuitBreakerConfig#ofDefaults()}.
     *
     * @return a new, empty registry
     */
    public static CircuitBreakerRegistry ofDefaults() {
        return of(Clock.systemUTC(), CircuitBreakerConfig.ofDefaults());
    }

    /**
     * A registry with a clock and a default configuration for the breakers it creates.
     *
     * @param clock the clock every breaker in the registry uses
     * @param defaultConfig the configuration of breakers created by {@link #circuitBreaker(String)}
     * @return a new, empty registry
     */
    public static CircuitBreakerRegistry of(Clock clock, CircuitBreakerConfig defaultConfig) {
        return new CircuitBreakerRegistry(requireNonNull(clock, "clock"), requireNonNull(defaultConfig, "defaultConfig"));
    }

    /**
     * The breaker with this name, created with the registry's default configuration on first use.
     *
     * @param name the breaker's name
     * @return the breaker
     */
    public CircuitBreaker circuitBreaker(String name) {
        return circuitBreaker(name, defaultConfig);
    }

    /**
     * The breaker with this name, created with the given configuration on first use.
     *
     * @param name the breaker's name
     * @param config its configuration
     * @return the breaker
     * @throws IllegalArgumentException if a breaker with this name exists with another configuration
     */
    public CircuitBreaker circuitBreaker(String name, CircuitBreakerConfig config) {
        requireNonNull(name, "name");
        requireNonNull(config, "config");
        CircuitBreaker breaker = breakers.computeIfAbsent(name, n -> CircuitBreaker.of(n, config, clock));
        if (!breaker.config().equals(config)) {
            throw new IllegalArgumentException("circuit breaker '" + name + "' already exists with " + breaker.config()
                    + "; use the same configuration or another name");
        }
        return breaker;
    }

    /**
     * The breaker with this name, if it was created.
     *
     * @param name the breaker's name
     * @return the breaker, or empty
     */
    public Optional<CircuitBreaker> find(String name) {
        return Optional.ofNullable(breakers.get(requireNonNull(name, "name")));
    }

    /**
     * All breakers, sorted by name.
     *
     * @return a snapshot list
     */
    public List<CircuitBreaker> all() {
        List<CircuitBreaker> all = new ArrayList<>(breakers.values());
        all.sort((a, b) -> a.name().compareTo(b.name()));
        return List.copyOf(all);
    }

    /**
     * The admin routes: {@code GET /chassis/resilience} lists every breaker's name, state, failure
     * rate, buffered and failed calls and configuration as JSON;
     * {@code POST /chassis/resilience/{name}/reset} resets a breaker and answers its new view, or
     * 404 with a JSON error for an unknown name.
     *
     * @return the two routes
     */
    public List<AdminRoute> adminRoutes() {
        return List.of(
                AdminRoute.get("/chassis/resilience",
                        request -> AdminResponse.json(200, Map.of("circuitBreakers", all().stream()
                                .map(CircuitBreakerRegistry::view).toList()))),
                AdminRoute.post("/chassis/resilience/{name}/reset", request -> {
                    String name = request.pathParam("name");
                    Optional<CircuitBreaker> breaker = find(name);
                    if (breaker.isEmpty()) {
                        return AdminResponse.error(404, "no circuit breaker named '" + name + "'");
                    }
                    breaker.get().reset();
                    return AdminResponse.json(200, view(breaker.get()));
                }));
    }

    private static Map<String, Object> view(CircuitBreaker breaker) {
        CircuitBreakerMetrics metrics = breaker.metrics();
        CircuitBreakerConfig config = breaker.config();
        Map<String, Object> configView = new LinkedHashMap<>();
        configView.put("timeout", config.timeout().toString());
        configView.put("failureRateThreshold", config.failureRateThreshold());
        configView.put("slidingWindowSize", config.slidingWindowSize());
        configView.put("minimumCalls", config.minimumCalls());
        configView.put("openDuration", config.openDuration().toString());
        configView.put("halfOpenPermits", config.halfOpenPermits());
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("name", breaker.name());
        view.put("state", metrics.state().name());
        view.put("failureRate", metrics.failureRate());
        view.put("bufferedCalls", metrics.bufferedCalls());
        view.put("failedCalls", metrics.failedCalls());
        view.put("config", configView);
        return view;
    }

    @Override
    public String toString() {
        return "CircuitBreakerRegistry" + breakers.keySet();
    }
}
