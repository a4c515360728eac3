package dev.chassis.examples.email;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The e-mail service on the local PostgreSQL (a schema of its own per test) and the in-memory bus. */
class EmailServiceIT {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String schema = "emails_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    private final InMemoryEventBus bus = InMemoryEventBus.create();
    private final InMemoryServiceRegistry registry = InMemoryServiceRegistry.create();
    private Database database;
    private RunningService service;

    @BeforeEach
    void start() {
        database = Database.connect("jdbc:postgresql://127.0.0.1:5432/test?user=postgres", "email-service-test");
        service = ServiceHost.start(new EmailService(), ServiceDependencies.builder()
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

    private static Envelope userCreated(String userId, String email, String correlationId) {
        return Envelope.builder().type("user.created").source("/user-service").subject("user-" + userId)
                .correlationId(correlationId)
                .data(Map.of("userId", userId, "name", "Ada", "email", email, "registeredAt", "2026-01-01T00:00:00Z"))
                .build();
    }

    private void publish(Envelope envelope) throws Exception {
        bus.publish("user.created", envelope).toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> emailsTo(String address) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(service.uri().resolve("/emails?to=" + address))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return (List<Map<String, Object>>) JsonCodec.defaults().read(response.body(), Map.class).get("emails");
    }

    @Test
    void sendsAWelcomeEmailForEachNewUser() throws Exception {
        // given
        Envelope created = userCreated("u-1", "ada@example.com", "signup-7");

        // when
        publish(created);

        // then
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(emailsTo("ada@example.com"))
                .singleElement().satisfies(email -> {
                    assertThat(email).containsEntry("recipient", "ada@example.com")
                            .containsEntry("subject", "Welcome to the shop, Ada!")
                            .containsEntry("userId", "u-1")
                            .containsEntry("messageId", created.id())
                            .containsEntry("correlationId", "signup-7");
                }));
    }

    @Test
    void aRedeliveredMessageSendsNoSecondEmail() throws Exception {
        // given
        Envelope created = userCreated("u-2", "grace@example.com", "signup-8");
        publish(created);
        await().atMost(Duration.ofSeconds(10)).until(() -> emailsTo("grace@example.com").size() == 1);

        // when: the same message again, then another one behind it on the same single-consumer queue
        publish(created);
        publish(userCreated("u-3", "alan@example.com", "signup-9"));

        // then: once the one behind it is handled, the redelivery has been too, without effect
        await().atMost(Duration.ofSeconds(10)).until(() -> emailsTo("alan@example.com").size() == 1);
        assertThat(emailsTo("grace@example.com")).hasSize(1);
    }

    @Test
    void deadLettersAMessageWithoutAnAddressAndSendsNothing() throws Exception {
        // when
        publish(userCreated("u-4", "", "signup-10"));

        // then
        await().atMost(Duration.ofSeconds(10)).until(() -> bus.deadLetters().count(EmailService.QUEUE) == 1);
        assertThat(bus.deadLetters().peek(EmailService.QUEUE, 1)).singleElement()
                .satisfies(letter -> assertThat(letter.exceptionMessage()).contains("has no user id or e-mail address"));
        assertThat(emailsTo("")).isEmpty();
    }
}
