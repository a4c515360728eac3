package dev.chassis.testkit.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.chassis.core.bus.Delivery;
import dev.chassis.core.envelope.Envelope;
import dev.chassis.core.json.JsonCodec;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Runs the samples of docs/testing.md. */
class ContractDocsTest {
    private static final JsonCodec JSON = JsonCodec.defaults();

    @TempDir
    Path dir;

    @RegisterExtension
    static final HttpContract contract = HttpContract.builder()
            .consumer("order-service")
            .provider("user-service")
            .build();

    @Test
    void readsAUser() throws Exception {
        contract.interaction("a request for user 42", i -> i
                .given("user exists", Map.of("id", 42))
                .request(r -> r.method("GET").path("/users/42").header("Accept", "application/json"))
                .response(r -> r.status(200).body(Map.of(
                        "id", Matchers.integer(42),
                        "email", Matchers.regex(".+@.+", "ada@example.com"),
                        "roles", Matchers.minArrayLike(1, "admin")))));

        UserClient users = new UserClient(contract.baseUri());

        assertThat(users.user(42).email()).isEqualTo("ada@example.com");
    }

    @RegisterExtension
    static final MessageContract events = MessageContract.builder()
            .consumer("email-service")
            .provider("user-service")
            .build();

    @Test
    void welcomesNewUsers() throws Exception {
        WelcomeMailer mailer = new WelcomeMailer();

        events.deliver("a user.created event", m -> m
                .given("a user registered")
                .topic("user.created")
                .type("user.created")
                .body(Map.of("userId", Matchers.like("u-42"), "email", Matchers.regex(".+@.+", "ada@example.com"))),
                mailer::handle);

        assertThat(mailer.sent()).containsExactly("ada@example.com");
    }

    @Test
    void verifiesTheUserServiceAgainstTheOrderServicePact() throws Exception {
        // given: the pact the consumer sample writes
        Path pactFile = PactWriter.file(dir, "order-service", "user-service");
        PactWriter.merge(pactFile, "order-service", "user-service", List.of(HttpInteraction.builder("a request for user 42")
                .given("user exists", Map.of("id", 42))
                .request(r -> r.method("GET").path("/users/42").header("Accept", "application/json"))
                .response(r -> r.status(200).body(Map.of("id", Matchers.integer(42),
                        "email", Matchers.regex(".+@.+", "ada@example.com"), "roles", Matchers.minArrayLike(1, "admin"))))
                .build().node()));
        UserStore users = new UserStore();

        // when: the documented verification
        try (UserServer server = UserServer.start(users)) {
            HttpVerifier verifier = HttpVerifier.builder()
                    .baseUri(URI.create("http://127.0.0.1:" + server.port()))
                    .state("user exists", params -> users.save(((Number) params.get("id")).intValue(), "grace@example.com"))
                    .build();

            verifier.verify(pactFile);
        }

        // then: the state callback ran, and a provider without the user breaks the pact
        assertThat(users.emails()).containsEntry(42, "grace@example.com");
        try (UserServer empty = UserServer.start(new UserStore())) {
            HttpVerifier forgetful = HttpVerifier.builder().baseUri(URI.create("http://127.0.0.1:" + empty.port()))
                    .state("user exists", params -> { }).build();
            assertThatThrownBy(() -> forgetful.verify(pactFile)).hasMessageContaining("$.status");
        }
    }

    @Test
    void verifiesTheUserCreatedEventAgainstTheEmailServicePact() {
        // given: the pact the message consumer sample writes
        Path pactFile = PactWriter.file(dir, "email-service", "user-service");
        PactWriter.merge(pactFile, "email-service", "user-service", List.of(MessageInteraction.builder("a user.created event")
                .given("a user registered").topic("user.created").type("user.created")
                .body(Map.of("userId", Matchers.like("u-42"), "email", Matchers.regex(".+@.+", "ada@example.com")))
                .build().node()));
        UserRegistration users = new UserRegistration();

        // when: the documented verification
        MessageVerifier verifier = MessageVerifier.builder()
                .state("a user registered", params -> { })
                .message("a user.created event", states -> ProducedMessage.of("user.created", users.register("ada@example.com")))
                .build();

        verifier.verify(pactFile);

        // then: a producer that renames the topic breaks the pact
        MessageVerifier renamed = MessageVerifier.builder().state("a user registered", params -> { })
                .message("a user.created event", states -> ProducedMessage.of("users", users.register("ada@example.com")))
                .build();
        assertThatThrownBy(() -> renamed.verify(pactFile)).hasMessageContaining("$.metadata.routingKey");
    }

    /** The order service's client for the user service, as a consumer would have it. */
    record UserClient(URI baseUri) {
        User user(int id) throws IOException, InterruptedException {
            HttpResponse<byte[]> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    baseUri.resolve("/users/" + id)).header("Accept", "application/json").build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            return JSON.read(response.body(), User.class);
        }
    }

    record User(int id, String email, List<String> roles) {
    }

    /** The email service's handler of user.created. */
    static final class WelcomeMailer {
        private final List<String> sent = new CopyOnWriteArrayList<>();

        void handle(Delivery delivery) {
            sent.add(delivery.envelope().dataAs(UserCreated.class).email());
        }

        List<String> sent() {
            return sent;
        }
    }

    record UserCreated(String userId, String email) {
    }

    /** The user service's producer code: builds the user.created envelope. */
    static final class UserRegistration {
        Envelope register(String email) {
            return Envelope.builder().type("user.created").source("/user-service")
                    .data(new UserCreated("u-" + Math.abs(email.hashCode()), email)).build();
        }
    }

    /** The user service's storage, which the state callback fills. */
    static final class UserStore {
        private final Map<Integer, String> emails = new ConcurrentHashMap<>();

        void save(int id, String email) {
            emails.put(id, email);
        }

        Map<Integer, String> emails() {
            return emails;
        }
    }

    /** The user service's HTTP API: GET /users/{id}. */
    static final class UserServer implements AutoCloseable {
        private final HttpServer server;

        private UserServer(HttpServer server) {
            this.server = server;
        }

        static UserServer start(UserStore store) throws IOException {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/users/", ex -> {
                try (ex) {
                    int id = Integer.parseInt(ex.getRequestURI().getPath().substring("/users/".length()));
                    String email = store.emails().get(id);
                    byte[] body = email == null ? new byte[0]
                            : JSON.write(new User(id, email, List.of("customer")));
                    ex.getResponseHeaders().add("Content-Type", "application/json");
                    ex.sendResponseHeaders(email == null ? 404 : 200, email == null ? -1 : body.length);
                    if (body.length > 0) {
                        try (OutputStream out = ex.getResponseBody()) {
                            out.write(body);
                        }
                    }
                }
            });
            server.start();
            return new UserServer(server);
        }

        int port() {
            return server.getAddress().getPort();
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

}
