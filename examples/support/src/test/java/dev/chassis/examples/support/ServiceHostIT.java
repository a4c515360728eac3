package dev.chassis.examples.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chassis.core.json.JsonCodec;
import dev.chassis.core.lifecycle.LifecycleComponent;
import dev.chassis.core.lifecycle.LifecycleException;
import dev.chassis.core.lifecycle.ShutdownPhase;
import dev.chassis.core.lifecycle.ShutdownReport;
import dev.chassis.discovery.InMemoryServiceRegistry;
import dev.chassis.discovery.ServiceInstance;
import dev.chassis.messaging.InMemoryEventBus;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Starts a small service on the local PostgreSQL and talks to it over HTTP. */
class ServiceHostIT {
    static final String DATABASE_URL = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String schema = "support_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    private final InMemoryEventBus bus = InMemoryEventBus.create();
    private final InMemoryServiceRegistry registry = InMemoryServiceRegistry.create();
    private final List<String> events = new CopyOnWriteArrayList<>();
    private Database database;
    private RunningService service;

    record NewNote(String text) {}

    /** Notes in a table of their own schema: enough to exercise routes, validation and the database. */
    final class NotesService implements ServiceDefinition {
        @Override
        public String name() {
            return "notes-service";
        }

        @Override
        public void wire(ServiceContext context) throws Exception {
            try (Connection c = context.dataSource().getConnection(); Statement s = c.createStatement()) {
                s.execute("CREATE SCHEMA IF NOT EXISTS " + context.schema());
                s.execute("CREATE TABLE IF NOT EXISTS " + context.schema() + ".notes (id text PRIMARY KEY, text text NOT NULL)");
            }
            context.post("/notes", request -> {
                NewNote note = JsonApi.body(request, NewNote.class);
                FieldErrors.create()
                        .check(note.text() != null && !note.text().isBlank(), "text", "must not be blank")
                        .throwIfAny();
                String id = UUID.randomUUID().toString();
                try (Connection c = context.dataSource().getConnection();
                     PreparedStatement insert = c.prepareStatement("INSERT INTO " + context.schema() + ".notes VALUES (?, ?)")) {
                    insert.setString(1, id);
                    insert.setString(2, note.text());
                    insert.executeUpdate();
                }
                return JsonApi.created(Map.of("id", id));
            });
            context.get("/notes/{id}", request -> JsonApi.ok(find(context, request.pathParam("id"))
                    .orElseThrow(() -> ApiException.notFound("no note with id " + request.pathParam("id")))));
            context.component(LifecycleComponent.of("recorder", () -> events.add("started"), () -> events.add("stopped")));
            context.onShutdown(ShutdownPhase.DRAIN, "drain", () -> events.add("drained"));
        }

        private Optional<Map<String, String>> find(ServiceContext context, String id) throws Exception {
            try (Connection c = context.dataSource().getConnection();
                 PreparedStatement select = c.prepareStatement("SELECT text FROM " + context.schema() + ".notes WHERE id = ?")) {
                select.setString(1, id);
                try (ResultSet rows = select.executeQuery()) {
                    return rows.next() ? Optional.of(Map.of("id", id, "text", rows.getString(1))) : Optional.empty();
                }
            }
        }
    }

    @BeforeEach
    void start() {
        database = Database.connect(DATABASE_URL, "support-test");
        service = ServiceHost.start(new NotesService(), ServiceDependencies.builder()
                .bus(bus).registry(registry).dataSource(database.dataSource())
                .env(Map.of("DATABASE_SCHEMA", schema)).port(0)
                .build());
    }

    @AfterEach
    void stop() throws Exception {
        service.shutdown();
        try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
        database.close();
        bus.close();
        registry.close();
    }

    private HttpResponse<String> send(String method, String path, String contentType, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(service.uri().resolve(path)).timeout(Duration.ofSeconds(10))
                .method(method, body.isEmpty() ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (!contentType.isEmpty()) {
            request.header("Content-Type", contentType);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return send("GET", path, "", "");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> json(HttpResponse<String> response) {
        return JsonCodec.defaults().read(response.body(), Map.class);
    }

    @Test
    void servesJsonRoutesWithPathParametersOnTheServicesDatabase() throws Exception {
        // when
        HttpResponse<String> created = send("POST", "/notes", "application/json; charset=utf-8", "{\"text\":\"hello\"}");
        String id = (String) json(created).get("id");
        HttpResponse<String> read = get("/notes/" + id);

        // then
        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(read.statusCode()).isEqualTo(200);
        assertThat(json(read)).isEqualTo(Map.of("id", id, "text", "hello"));
        assertThat(events).containsExactly("started");
    }

    @Test
    void answersInvalidRequestsWithJsonErrorsThatSayWhatToFix() throws Exception {
        // when
        HttpResponse<String> invalid = send("POST", "/notes", "application/json", "{\"text\":\" \"}");
        HttpResponse<String> malformed = send("POST", "/notes", "application/json", "{\"text\":");
        HttpResponse<String> notJson = send("POST", "/notes", "text/plain", "hello");
        HttpResponse<String> tooLarge = send("POST", "/notes", "application/json",
                "{\"text\":\"" + "x".repeat(ServiceHost.MAX_BODY_BYTES) + "\"}");
        HttpResponse<String> missing = get("/notes/nope");
        HttpResponse<String> unknownPath = get("/nothing/here");
        HttpResponse<String> wrongMethod = send("DELETE", "/notes/1", "", "");

        // then
        assertThat(invalid.statusCode()).isEqualTo(400);
        assertThat(json(invalid)).isEqualTo(Map.of("error", "validation failed", "fields", Map.of("text", "must not be blank")));
        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat((String) json(malformed).get("error")).startsWith("malformed JSON body");
        assertThat(notJson.statusCode()).isEqualTo(415);
        assertThat((String) json(notJson).get("error")).contains("'text/plain'", "application/json");
        assertThat(tooLarge.statusCode()).isEqualTo(413);
        assertThat(json(tooLarge)).containsKey("error");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(json(missing)).isEqualTo(Map.of("error", "no note with id nope"));
        assertThat(unknownPath.statusCode()).isEqualTo(404);
        assertThat(json(unknownPath)).containsKey("error");
        assertThat(wrongMethod.statusCode()).isEqualTo(405);
        assertThat(wrongMethod.headers().firstValue("Allow")).hasValue("GET");
    }

    @Test
    void echoesTheCallersCorrelationIdAndMakesOneWhenMissing() throws Exception {
        // when
        HttpResponse<String> withId = http.send(HttpRequest.newBuilder(service.uri().resolve("/health"))
                .header("X-Correlation-Id", "order-42").build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> withoutId = get("/health");

        // then
        assertThat(withId.headers().firstValue("X-Correlation-Id")).hasValue("order-42");
        assertThat(withoutId.headers().firstValue("X-Correlation-Id")).hasValueSatisfying(id -> assertThat(id).isNotBlank());
    }

    @Test
    void registersWhileServingAndShutsDownGracefully() throws Exception {
        // given
        List<ServiceInstance> registered = registry.healthyInstances("notes-service");
        HttpResponse<String> ready = get("/ready");
        HttpResponse<String> health = get("/health");

        // when
        ShutdownReport report = service.shutdown();

        // then
        assertThat(registered).singleElement().satisfies(instance -> {
            assertThat(instance.id()).isEqualTo(service.instanceId());
            assertThat(instance.port()).isEqualTo(service.uri().getPort());
        });
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.body()).contains("database");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(registry.healthyInstances("notes-service")).isEmpty();
        assertThat(service.health().isShuttingDown()).isTrue();
        assertThat(events).containsExactly("started", "drained", "stopped");
        assertThat(report.steps()).extracting(step -> step.phase() + ":" + step.name())
                .startsWith("READINESS_DOWN:readiness", "DEREGISTER:deregistration", "DRAIN:drain");
        assertThatThrownBy(() -> get("/health")).isInstanceOf(java.io.IOException.class);
    }

    @Test
    void failsToStartNamingTheServiceWhenWiringFails() {
        // given
        ServiceDefinition broken = new ServiceDefinition() {
            @Override
            public String name() {
                return "broken-service";
            }

            @Override
            public void wire(ServiceContext context) {
                throw new IllegalStateException("no table");
            }
        };

        // then
        assertThatThrownBy(() -> ServiceHost.start(broken, ServiceDependencies.builder()
                .bus(bus).registry(registry).dataSource(database.dataSource()).port(0).build()))
                .isInstanceOf(LifecycleException.class)
                .hasMessageContaining("broken-service could not be wired: no table");
    }
}
