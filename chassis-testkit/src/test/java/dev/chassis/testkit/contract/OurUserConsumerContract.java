package dev.chassis.testkit.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A consumer test written with our DSL; run by {@link PactJvmInteropTest} to produce a pact for Pact JVM. */
class OurUserConsumerContract {
    @RegisterExtension
    static final HttpContract contract = HttpContract.builder()
            .consumer("order-service").provider("user-service")
            .pactDirectory(InteropFixtures.OURS_HTTP)
            .build();

    @Test
    void readsAUser() throws Exception {
        // given
        contract.interaction("a request for user 42", i -> i
                .given("user exists", Map.of("id", 42))
                .request(r -> r.method("GET").path(Matchers.regex("/users/\\d+", "/users/42"))
                        .query("fields", "all").header("Accept", "application/json"))
                .response(r -> r.status(200)
                        .header("Content-Type", Matchers.regex("application/json.*", "application/json"))
                        .body(Map.of(
                                "id", Matchers.integer(42),
                                "name", Matchers.like("Ada"),
                                "email", Matchers.regex(".+@.+", "ada@example.com"),
                                "active", Matchers.bool(true),
                                "balance", Matchers.decimal(10.25),
                                "createdAt", Matchers.timestamp("yyyy-MM-dd'T'HH:mm:ss", "2024-05-01T10:15:30"),
                                "roles", Matchers.minArrayLike(1, Map.of("name", Matchers.like("admin")))))));

        // when
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        contract.baseUri().resolve("/users/42?fields=all")).header("Accept", "application/json").build(),
                HttpResponse.BodyHandlers.ofString());

        // then
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("\"name\":\"Ada\"");
    }
}
