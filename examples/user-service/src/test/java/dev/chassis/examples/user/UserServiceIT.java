package dev.chassis.examples.user;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.chassis.core.bus.Subscription;
import dev.chassis.core.envelope.Envelope;
import dev.chassis.core.json.JsonCodec;
import dev.chassis.discovery.InMemoryServiceRegistry;
import dev.chassis.examples.support.Database;
import dev.chassis.examples.support.RunningService;
import dev.chassis.examples.support.ServiceDependencies;
import dev.chassis.examples.support.ServiceHost;
import dev.chassis.messaging.InMemoryEventBus;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The user service on the local PostgreSQL (a schema of its own per test) and the in-memory bus. */
class UserServiceIT {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String schema = "users_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    private final InMemoryEventBus bus = InMemoryEventBus.create();
    private final InMemoryServiceRegistry registry = InMemoryServiceRegistry.create();
    private final List<Envelope> published = new CopyOnWriteArrayList<>();
    private Database database;
    private RunningService service;

    @BeforeEach
    void start() {
        bus.subscribe(Subscription.builder("test.user-created").topic(UserCreated.TYPE)
                .handler(delivery -> published.add(delivery.envelope())).build());
        database = Database.connect("jdbc:postgresql://127.0.0.1:5432/test?user=postgres", "user-service-test");
        service = ServiceHost.start(new UserService(), ServiceDependencies.builder()
                .bus(bus).registry(registry).dataSource(database.dataSource())
                .env(Map.of("DATABASE_SCHEMA", schema)).port(0).build());
    }

    @AfterEach
    void stop() throws Exception {
        service.shutdown();
        bus.close();
        try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
        database.close();
    }

    private HttpResponse<String> post(String body, String correlationId) throws Exception {
        return http.send(HttpRequest.newBuilder(service.uri().resolve("/users"))
                .header("Content-Type", "application/json").header("X-Correlation-Id", correlationId)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(service.uri().resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> json(String body) {
        return JsonCodec.defaults().read(body, Map.class);
    }

    private long count(String table) throws Exception {
        try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rows = s.executeQuery("SELECT count(*) FROM " + schema + "." + table)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    @Test
    void registersAUserPublishesUserCreatedAndServesItFromTheProjection() throws Exception {
        // when
        HttpResponse<String> created = post("{\"name\":\"Ada Lovelace\",\"email\":\"ada@example.com\"}", "signup-1");
        String id = (String) json(created.body()).get("id");

        // then
        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(json(created.body())).containsEntry("name", "Ada Lovelace").containsEntry("email", "ada@example.com");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            HttpResponse<String> read = get("/users/" + id);
            assertThat(read.statusCode()).isEqualTo(200);
            assertThat(json(read.body())).containsEntry("id", id).containsEntry("email", "ada@example.com");
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> published.size() == 1);
        Envelope message = published.get(0);
        assertThat(message.type()).isEqualTo("user.created");
        assertThat(message.source()).hasToString("/user-service");
        assertThat(message.subject()).hasValue("user-" + id);
        assertThat(message.correlationId()).hasValue("signup-1");
        assertThat(message.dataAs(UserCreated.class).email()).isEqualTo("ada@example.com");
    }

    @Test
    void refusesInvalidInputWithFieldErrorsAndStoresNothing() throws Exception {
        // when
        HttpResponse<String> refused = post("{\"name\":\"\",\"email\":\"not-an-address\"}", "signup-2");

        // then
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(json(refused.body())).isEqualTo(Map.of("error", "validation failed", "fields", Map.of(
                "name", "must not be blank", "email", "must be an e-mail address like ada@example.com")));
        assertThat(count("chassis_events")).isZero();
        assertThat(count("chassis_outbox")).isZero();
    }

    @Test
    void refusesASecondRegistrationOfTheSameAddressWithConflict() throws Exception {
        // given
        assertThat(post("{\"name\":\"Ada\",\"email\":\"ada@example.com\"}", "signup-3").statusCode()).isEqualTo(201);

        // when
        HttpResponse<String> duplicate = post("{\"name\":\"Another Ada\",\"email\":\"ADA@example.com\"}", "signup-4");

        // then
        assertThat(duplicate.statusCode()).isEqualTo(409);
        assertThat(json(duplicate.body())).containsEntry("error", "e-mail address is already registered")
                .containsEntry("fields", Map.of("email", "is already registered; use another address"));
        assertThat(count("chassis_events")).isEqualTo(1);
        assertThat(count("chassis_outbox")).isEqualTo(1);
    }

    @Test
    void answersNotFoundForAnUnknownUser() throws Exception {
        // when
        HttpResponse<String> missing = get("/users/no-such-user");

        // then
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(json(missing.body())).isEqualTo(Map.of("error", "no user with id no-such-user"));
    }
}
