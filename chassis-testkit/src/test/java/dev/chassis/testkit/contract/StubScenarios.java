package dev.chassis.testkit.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import dev.chassis.core.bus.Delivery;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Consumer test classes run by {@link HttpContractTest} through the JUnit Platform. */
final class StubScenarios {
    static volatile Path directory = Path.of("target", "stub-scenarios");

    private StubScenarios() {
    }

    static HttpContract contract() {
        return HttpContract.builder().consumer("stub-consumer").provider("stub-provider").pactDirectory(directory).build();
    }

    static HttpResponse<String> get(URI uri) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
    }

    static void userInteraction(HttpContract contract) {
        contract.interaction("a request for user 1", i -> i
                .given("user exists")
                .request(r -> r.path("/users/1"))
                .response(r -> r.status(200).body(Map.of("id", Matchers.integer(1)))));
    }

    static class Honoured {
        @RegisterExtension
        final HttpContract contract = contract();

        @Test
        void readsTheUser() throws Exception {
            userInteraction(contract);
            HttpResponse<String> response = get(contract.baseUri().resolve("/users/1"));
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("{\"id\":1}");
            assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        }
    }

    static class Unexpected {
        @RegisterExtension
        final HttpContract contract = contract();

        @Test
        void asksForAnotherUser() throws Exception {
            userInteraction(contract);
            get(contract.baseUri().resolve("/users/1"));
            HttpResponse<String> response = get(contract.baseUri().resolve("/users/2"));
            assertThat(response.statusCode()).isEqualTo(500);
        }
    }

    static class Missing {
        @RegisterExtension
        final HttpContract contract = contract();

        @Test
        void neverCalls() {
            userInteraction(contract);
        }
    }

    static class Billing {
        static final List<Delivery> received = new CopyOnWriteArrayList<>();

        @RegisterExtension
        final MessageContract contract = MessageContract.builder().consumer("billing").provider("orders")
                .pactDirectory(directory).build();

        @Test
        void billsAPlacedOrder() {
            contract.deliver("an order.placed event", m -> m
                    .exchange("shop.events").topic("order.placed").type("order.placed")
                    .body(Map.of("orderId", Matchers.regex("o-\\d+", "o-1"), "total", Matchers.decimal(12.5))),
                    received::add);
            assertThat(received).hasSize(1);
        }
    }
}
