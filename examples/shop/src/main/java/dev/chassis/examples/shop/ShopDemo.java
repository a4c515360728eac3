package dev.chassis.examples.shop;

import dev.chassis.core.NonRetryableException;
import dev.chassis.core.RetryableException;
import dev.chassis.core.admin.AdminServer;
import dev.chassis.core.bus.DeadLetter;
import dev.chassis.core.bus.EventBus;
import dev.chassis.core.bus.RetryPolicy;
import dev.chassis.core.bus.Subscription;
import dev.chassis.core.config.Config;
import dev.chassis.core.config.ConfigKey;
import dev.chassis.core.config.ConfigOrigin;
import dev.chassis.core.context.CorrelationContext;
import dev.chassis.core.context.CorrelationScope;
import dev.chassis.core.envelope.CloudEventJson;
import dev.chassis.core.envelope.Envelope;
import dev.chassis.core.health.HealthCheck;
import dev.chassis.core.health.HealthRegistry;
import dev.chassis.core.health.HealthResult;
import dev.chassis.core.lifecycle.Lifecycle;
import dev.chassis.core.lifecycle.LifecycleComponent;
import dev.chassis.core.lifecycle.ShutdownPhase;
import dev.chassis.core.lifecycle.ShutdownReport;
import dev.chassis.core.resilience.CircuitBreaker;
import dev.chassis.core.resilience.CircuitBreakerConfig;
import dev.chassis.core.resilience.CircuitBreakerRegistry;
import dev.chassis.core.resilience.CircuitOpenException;
import dev.chassis.core.resilience.Resilience;
import dev.chassis.core.resilience.Retry;
import dev.chassis.core.resilience.Timeout;
import dev.chassis.messaging.InMemoryEventBus;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The scripted scenario behind {@link Shop}: a user registers, the welcome e-mail goes out over the
 * in-memory event bus, a malformed registration is dead-lettered, a flaky and then a broken payment
 * gateway are called through the resilience stack, the admin endpoints answer over HTTP, and the
 * service shuts down gracefully. Each step prints what it did and what it observed.
 */
final class ShopDemo {
    static final ConfigKey<String> SERVICE_NAME = ConfigKey.string("chassis.service.name").withDefault("shop")
            .description("name used in envelopes' source and in logs");
    static final ConfigKey<Integer> ADMIN_PORT = ConfigKey.integer("chassis.admin.port", 0, 65535).withDefault(8081)
            .description("port of the admin server; 0 picks a free one");

    /** What the scenario observed, for the test that runs it. */
    record Outcome(List<String> welcomeEmails, List<DeadLetter> deadLetters, CircuitBreaker.State breakerAfterFailures,
                   boolean rejectedWhileOpen, int flakyAttempts, int healthStatus, int readyStatus,
                   int readyStatusWhileStopping, String correlationSeenByHandler, String correlationPublished) {
    }

    record UserCreated(String userId, String email) {
    }

    private final Config config;
    private final PrintStream out;
    private final boolean once;
    private final String source;
    private final EventBus bus = InMemoryEventBus.create();
    private final CircuitBreakerRegistry breakers = CircuitBreakerRegistry.of(Clock.systemUTC(),
            CircuitBreakerConfig.builder().timeout(Duration.ofSeconds(1)).slidingWindowSize(10).minimumCalls(4).build());
    private final HealthRegistry health;
    private final AdminServer admin;
    private final Lifecycle lifecycle = Lifecycle.ofDefaults();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final List<String> welcomeEmails = new CopyOnWriteArrayList<>();
    private volatile String correlationSeenByHandler = "";
    private volatile int readyWhileStopping;
    private final AtomicBoolean shutDown = new AtomicBoolean();
    private Outcome outcome;

    ShopDemo(Config config, PrintStream out, boolean once) {
        this.config = config;
        this.out = out;
        this.once = once;
        this.source = "/" + config.get(SERVICE_NAME);
        this.health = HealthRegistry.builder()
                .check(HealthCheck.liveness("self", HealthResult::up))
                .check(HealthCheck.readiness("event-bus", () -> HealthResult.up(Map.of("type", "in-memory"))))
                .build();
        int port = config.get(ADMIN_PORT);
        if (once && config.origin(ADMIN_PORT) == ConfigOrigin.DEFAULT) {
            port = 0; // a scripted run must not fail because 8081 is taken
        }
        this.admin = AdminServer.builder().port(port)
                .routes(health.adminRoutes())
                .routes(breakers.adminRoutes())
                .route(config.adminRoute())
                .build();
    }

    static Config config(Map<String, String> env, Properties systemProperties) {
        return Config.builder().env(env).systemProperties(systemProperties).declare(SERVICE_NAME, ADMIN_PORT).build();
    }

    int adminPort() {
        return admin.port();
    }

    Outcome runScenario() throws Exception {
        out.println("Chassis shop demo — one JVM, embedded defaults (in-memory event bus)");
        out.println();
        step(1, "effective configuration (value and origin of every key)");
        out.println(config.toString().stripTrailing());

        lifecycle.add(LifecycleComponent.of("admin-server", admin::start, admin::close));
        lifecycle.onShutdown(ShutdownPhase.READINESS_DOWN, "readiness", () -> {
            health.markShuttingDown();
            readyWhileStopping = get("/ready").statusCode();
        });
        lifecycle.onShutdown(ShutdownPhase.DRAIN, "event-bus", bus::close);
        lifecycle.onShutdown(ShutdownPhase.CLOSE, "health", health::close);
        lifecycle.start();
        step(2, "admin server started on port " + admin.port()
                + (admin.port() != config.get(ADMIN_PORT) ? " (a free port, since --once runs must not collide)" : ""));

        CountDownLatch welcomed = subscribeWelcomeEmails();
        step(3, "email-service subscribed queue 'email-service.welcome' to topic 'user.*'");

        String correlation;
        try (CorrelationScope scope = CorrelationContext.generate().makeCurrent()) {
            correlation = CorrelationContext.current().orElseThrow().correlationId();
            Envelope created = Envelope.builder().type("user.created").source(source).subject("u-1")
                    .data(new UserCreated("u-1", "ada@example.com")).build();
            bus.publish("user.created", created).toCompletableFuture().get(5, TimeUnit.SECONDS);
            out.println("    published user.created " + created.id() + " in correlation " + correlation);
            out.println("    as CloudEvents JSON: " + new String(CloudEventJson.write(created.withCorrelationId(correlation)),
                    StandardCharsets.UTF_8));
        }
        if (!welcomed.await(5, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the welcome e-mail was not sent within 5 s");
        }
        step(4, "welcome e-mail sent to " + welcomeEmails + "; the handler ran in correlation "
                + correlationSeenByHandler);

        List<DeadLetter> deadLetters = deadLetterMalformedRegistration();
        DeadLetter letter = deadLetters.get(0);
        step(5, "a registration without an e-mail address was dead-lettered after " + letter.attempts()
                + " attempt(s): " + letter.exceptionClass() + ": " + letter.exceptionMessage());

        int flakyAttempts = callFlakyGateway();
        step(6, "flaky payment gateway: succeeded on attempt " + flakyAttempts + " through breaker + timeout + retry");

        CircuitBreaker broken = breakers.circuitBreaker("payment-gateway-down");
        Resilience downPolicy = Resilience.builder("payment-gateway-down").circuitBreaker(broken).timeout(Timeout.of(Duration.ofMillis(500))).build();
        int failures = 0;
        while (broken.state() == CircuitBreaker.State.CLOSED && failures < 20) {
            try {
                downPolicy.call(() -> {
                    throw new RetryableException("payment gateway answered 503");
                });
            } catch (RetryableException expected) {
                failures++;
            }
        }
        boolean rejected = false;
        try {
            downPolicy.call(() -> "never called");
        } catch (CircuitOpenException e) {
            rejected = true;
        }
        step(7, "broken payment gateway: breaker " + broken.state() + " after " + failures
                + " failures; the next call was rejected at once: " + rejected);

        HttpResponse<String> healthResponse = get("/health");
        HttpResponse<String> readyResponse = get("/ready");
        step(8, "admin endpoints over HTTP:");
        out.println("    GET /health -> " + healthResponse.statusCode() + " " + healthResponse.body());
        out.println("    GET /ready  -> " + readyResponse.statusCode() + " " + readyResponse.body());
        HttpResponse<String> resilience = get("/chassis/resilience");
        out.println("    GET /chassis/resilience -> " + resilience.statusCode() + " " + resilience.body());

        outcome = new Outcome(List.copyOf(welcomeEmails), deadLetters, broken.state(), rejected, flakyAttempts,
                healthResponse.statusCode(), readyResponse.statusCode(), -1, correlationSeenByHandler, correlation);
        return outcome;
    }

    private CountDownLatch subscribeWelcomeEmails() {
        CountDownLatch welcomed = new CountDownLatch(1);
        bus.subscribe(Subscription.builder("email-service.welcome")
                .topic("user.*")
                .retry(RetryPolicy.builder().maxAttempts(3).initialDelay(Duration.ofMillis(100)).build())
                .handler(delivery -> {
                    UserCreated user = delivery.envelope().dataAs(UserCreated.class);
                    if (user.email() == null || user.email().isBlank()) {
                        throw new NonRetryableException("user " + user.userId() + " has no e-mail address");
                    }
                    correlationSeenByHandler = CorrelationContext.current().orElseThrow().correlationId();
                    welcomeEmails.add(user.email());
                    welcomed.countDown();
                })
                .build());
        return welcomed;
    }

    private List<DeadLetter> deadLetterMalformedRegistration() throws Exception {
        Envelope malformed = Envelope.builder().type("user.created").source(source).subject("u-2")
                .data(new UserCreated("u-2", "")).build();
        bus.publish("user.created", malformed).toCompletableFuture().get(5, TimeUnit.SECONDS);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (bus.deadLetters().count("email-service.welcome") == 0) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the malformed registration was not dead-lettered within 5 s");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
        return bus.deadLetters().peek("email-service.welcome", 10);
    }

    private int callFlakyGateway() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        Resilience policy = Resilience.builder("payment-gateway")
                .circuitBreaker(breakers.circuitBreaker("payment-gateway"))
                .timeout(Timeout.of(Duration.ofMillis(500)))
                .retry(Retry.builder().maxAttempts(3).initialDelay(Duration.ofMillis(50)).build())
                .build();
        String receipt = policy.call(() -> {
            if (attempts.incrementAndGet() < 2) {
                throw new RetryableException("payment gateway timed out");
            }
            return "receipt-" + attempts.get();
        });
        out.println("    charged: " + receipt);
        return attempts.get();
    }

    void shutdown() {
        if (!shutDown.compareAndSet(false, true)) {
            return;
        }
        ShutdownReport report = lifecycle.shutdown();
        step(9, "graceful shutdown: /ready answered " + readyWhileStopping + " while stopping; steps "
                + report.steps().stream().map(s -> s.phase() + ":" + s.name() + "=" + s.outcome()).toList()
                + " in " + report.took().toMillis() + " ms");
    }

    Outcome outcomeAfterShutdown() {
        return new Outcome(outcome.welcomeEmails(), outcome.deadLetters(), outcome.breakerAfterFailures(),
                outcome.rejectedWhileOpen(), outcome.flakyAttempts(), outcome.healthStatus(), outcome.readyStatus(),
                readyWhileStopping, outcome.correlationSeenByHandler(), outcome.correlationPublished());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin.port() + path))
                .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private void step(int n, String text) {
        out.println("[" + n + "] " + text);
    }
}
