package dev.chassis.testkit.contract;

import static org.assertj.core.api.Assertions.assertThat;

import au.com.dius.pact.consumer.MessagePactBuilder;
import au.com.dius.pact.consumer.MockServer;
import au.com.dius.pact.consumer.dsl.PactDslJsonBody;
import au.com.dius.pact.consumer.dsl.PactDslWithProvider;
import au.com.dius.pact.consumer.junit5.PactConsumerTestExt;
import au.com.dius.pact.consumer.junit5.PactTestFor;
import au.com.dius.pact.consumer.junit5.ProviderType;
import au.com.dius.pact.core.model.PactSpecVersion;
import au.com.dius.pact.core.model.V4Interaction;
import au.com.dius.pact.core.model.V4Pact;
import au.com.dius.pact.core.model.annotations.Pact;
import au.com.dius.pact.core.model.annotations.PactDirectory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.text.SimpleDateFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Consumer tests written with Pact JVM's DSL; run by {@link PactJvmInteropTest} to produce pacts for our verifiers. */
final class PactJvmConsumerChecks {
    private PactJvmConsumerChecks() {
    }

    @ExtendWith(PactConsumerTestExt.class)
    @PactTestFor(providerName = "catalog-service", pactVersion = PactSpecVersion.V4)
    @PactDirectory("target/contract-interop/theirs-http")
    static class CatalogConsumer {
        @Pact(consumer = "shop-ui")
        V4Pact product(PactDslWithProvider builder) throws Exception {
            return builder
                    .given("product exists", Map.of("sku", "ABC-1"))
                    .uponReceiving("a request for product ABC-1")
                    .method("GET")
                    .path("/products/ABC-1")
                    .matchQuery("currency", "[A-Z]{3}", "EUR")
                    .headers(Map.of("Accept", "application/json"))
                    .willRespondWith()
                    .status(200)
                    .headers(Map.of("Content-Type", "application/json"))
                    .body(new PactDslJsonBody()
                            .stringMatcher("sku", "[A-Z]{3}-\\d+", "ABC-1")
                            .stringType("name", "Teapot")
                            .integerType("stock", 7)
                            .decimalType("price", 9.99)
                            .booleanType("available", true)
                            .date("releasedOn", "yyyy-MM-dd", new SimpleDateFormat("yyyy-MM-dd").parse("2024-02-29"))
                            .minArrayLike("tags", 1)
                            .stringType("label", "tea")
                            .closeObject()
                            .closeArray())
                    .toPact(V4Pact.class);
        }

        @Test
        void readsAProduct(MockServer server) throws Exception {
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create(server.getUrl() + "/products/ABC-1?currency=EUR"))
                    .header("Accept", "application/json").build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).contains("ABC-1");
        }
    }

    @ExtendWith(PactConsumerTestExt.class)
    @PactTestFor(providerName = "user-service", providerType = ProviderType.ASYNCH, pactVersion = PactSpecVersion.V4)
    @PactDirectory("target/contract-interop/theirs-messages")
    static class EventConsumer {
        @Pact(consumer = "audit-service")
        V4Pact userCreated(MessagePactBuilder builder) {
            return builder
                    .given("a user registered")
                    .expectsToReceive("a user.created event")
                    .withMetadata(Map.of("contentType", "application/json", "routingKey", "user.created",
                            "type", "user.created"))
                    .withContent(new PactDslJsonBody().stringType("userId", "u-1")
                            .stringMatcher("email", ".+@.+", "ada@example.com"))
                    .toPact(V4Pact.class);
        }

        @Test
        void auditsTheEvent(List<V4Interaction.AsynchronousMessage> messages) {
            assertThat(messages).hasSize(1);
            assertThat(messages.get(0).contentsAsString()).contains("userId");
        }
    }
}
