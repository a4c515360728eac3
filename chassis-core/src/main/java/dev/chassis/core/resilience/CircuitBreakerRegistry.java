package dev.chassis.core.resilience;

import static java.util.Objects.requireNonNull;

import dev.chassis.core.admin.AdminResponse;
import dev.chassis.core.admin.AdminRoute;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.jspecify.annotations.Nullable;

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
 * <p>The registry reports its breakers as OpenTelemetry metrics (meter {@code dev.chassis.resilience}):
 * {@code chassis.circuit_breaker.state} (gauge, 1 for the current state and 0 for the others, by
 * {@code chassis.circuit_breaker.name} and {@code chassis.circuit_breaker.state}),
 * {@code chassis.circuit_breaker.transitions} (counter, with the new and previous state) and
 * {@code chassis.circuit_breaker.rejections} (counter). They go to
 * {@link Builder#openTelemetry(OpenTelemetry)}, else to {@link GlobalOpenTelemetry} as it is when the
 * registry is built, a no-op unless registered.
 *
 * <p>Instances are thread-safe and intended to be shared.
 */
public final class CircuitBreakerRegistry {
    private final Clock clock;
    private final CircuitBreakerConfig defaultConfig;
    private final ConcurrentMap<String, CircuitBreaker> breakers = new ConcurrentHashMap<>();
    private final CircuitBreakerInstruments instruments;

    private CircuitBreakerRegistry(Builder b) {
        this.clock = b.clock;
        this.defaultConfig = b.defaultConfig;
        OpenTelemetry telemetry = b.openTelemetry != null ? b.openTelemetry : GlobalOpenTelemetry.getOrNoop();
        this.instruments = new CircuitBreakerInstruments(telemetry, breakers::values);
    }

    /**
     * A builder, for a registry with its own clock, default configuration or OpenTelemetry.
     *
     * <pre>{@code
     * CircuitBreakerRegistry breakers = CircuitBreakerRegistry.builder()
     *         .openTelemetry(telemetry.openTelemetry())
     *         .build();
     * }</pre>
     *
     * @return a new builder with the defaults of {@link #ofDefaults()}
     */
    public static Builder builder() {
        return new Builder();
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
        return builder().clock(clock).defaultConfig(defaultConfig).build();
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
        CircuitBreaker breaker = breakers.computeIfAbsent(name, n -> {
            CircuitBreaker created = CircuitBreaker.of(n, config, clock);
            instruments.observe(created);
            return created;
        });
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

    /** Configures a {@link CircuitBreakerRegistry}. Not thread-safe; {@link #build()} copies. */
    public static final class Builder {
        private Clock clock = Clock.systemUTC();
        private CircuitBreakerConfig defaultConfig = CircuitBreakerConfig.ofDefaults();
        private @Nullable OpenTelemetry openTelemetry;

        private Builder() {
        }

        /**
         * @param clock the clock every breaker in the registry uses; default the UTC system clock
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = requireNonNull(clock, "clock");
            return this;
        }

        /**
         * @param defaultConfig the configuration of breakers created by
         *     {@link CircuitBreakerRegistry#circuitBreaker(String)};
         *     default {@link CircuitBreakerConfig#ofDefaults()}
         * @return this builder
         */
        public Builder defaultConfig(CircuitBreakerConfig defaultConfig) {
            this.defaultConfig = requireNonNull(defaultConfig, "defaultConfig");
            return this;
        }

        /**
         * @param openTelemetry where the breakers' metrics go; default {@link GlobalOpenTelemetry} as it
         *     is at {@link #build()}; {@link OpenTelemetry#noop()} for none
         * @return this builder
         */
        public Builder openTelemetry(OpenTelemetry openTelemetry) {
            this.openTelemetry = requireNonNull(openTelemetry, "openTelemetry");
            return this;
        }

        /**
         * @return a new, empty registry whose gauge is registered with the OpenTelemetry's meter
         *     provider for the provider's lifetime
         */
        public CircuitBreakerRegistry build() {
            return new CircuitBreakerRegistry(this);
        }
    }
}
