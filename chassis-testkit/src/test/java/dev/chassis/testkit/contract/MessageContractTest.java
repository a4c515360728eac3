package dev.chassis.testkit.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chassis.core.envelope.Envelope;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The consumer side of message contracts and the producer side's checks of body and transport facts. */
class MessageContractTest {
    @TempDir
    Path dir;

    private final MessageInteraction orderPlaced = MessageInteraction.builder("an order.placed event")
            .given("an order was placed", Map.of("orderId", "o-1"))
            .exchange("shop.events")
            .topic("order.placed")
            .type("order.placed")
            .metadata("subject", Matchers.regex("o-\\d+", "o-1"))
            .body(Map.of("orderId", Matchers.regex("o-\\d+", "o-1"), "total", Matchers.decimal(12.5),
                    "lines", Matchers.minArrayLike(1, Map.of("sku", Matchers.like("ABC")))))
            .build();

    @Test
    void handsTheExampleEnvelopeToTheHandlerAndWritesTheTransportFacts() throws Exception {
        // given
        StubScenarios.directory = dir;
        StubScenarios.Billing.received.clear();

        // when
        var events = HttpContractTest.run(StubScenarios.Billing.class);

        // then
        assertThat(events.succeeded().count()).as(HttpContractTest.failure(events)).isEqualTo(1);
        assertThat(StubScenarios.Billing.received).singleElement().satisfies(d -> {
            assertThat(d.topic()).isEqualTo("order.placed");
            assertThat(d.queue()).isEqualTo("billing");
            assertThat(d.envelope().type()).isEqualTo("order.placed");
            assertThat(d.envelope().dataText()).isEqualTo("{\"orderId\":\"o-1\",\"total\":12.5}");
        });
        String pact = Files.readString(dir.resolve("billing-orders.json"));
        assertThat(pact).contains("\"type\" : \"Asynchronous/Messages\"", "\"exchange\" : \"shop.events\"",
                "\"routingKey\" : \"order.placed\"", "\"contentType\" : \"application/json\"",
                "\"type\" : \"order.placed\"");
    }

    @Test
    void failsWhenTheHandlerRejectsTheExample() {
        // given
        MessageContract contract = MessageContract.builder().consumer("billing").provider("orders").pactDirectory(dir).build();

        // when / then
        assertThatThrownBy(() -> contract.deliver(orderPlaced, d -> {
            throw new IllegalStateException("no such order");
        })).isInstanceOf(AssertionError.class)
                .hasMessageContaining("the handler of billing failed on the message 'an order.placed event'")
                .hasMessageContaining("IllegalStateException: no such order");
    }

    @Test
    void verifierChecksBodyExchangeRoutingKeyTypeAndSubject() {
        // given
        PactFile pact = pactOf(orderPlaced);
        Envelope good = Envelope.builder().type("order.placed").source("/orders").subject("o-9")
                .data(Map.of("orderId", "o-9", "total", 99.95, "lines", List.of(Map.of("sku", "X"), Map.of("sku", "Y"))))
                .build();
        Envelope bad = good.toBuilder().type("order.created").subject("9")
                .data(Map.of("orderId", "o-9", "total", 99, "lines", List.of())).build();
        List<Map<String, Object>> states = new CopyOnWriteArrayList<>();

        // when
        List<Mismatch> none = MessageVerifier.builder().state("an order was placed", states::add)
                .message("an order.placed event", s -> ProducedMessage.of("order.placed", good).withExchange("shop.events"))
                .build().mismatches(pact);
        List<Mismatch> many = MessageVerifier.builder().state("an order was placed", p -> { })
                .message("an order.placed event", s -> ProducedMessage.of("order.created", bad))
                .build().mismatches(pact);

        // then
        assertThat(none).isEmpty();
        assertThat(states).containsExactly(Map.of("orderId", "o-1"));
        assertThat(many).extracting(Mismatch::path).containsExactly("$.body.lines", "$.body.total",
                "$.metadata.exchange", "$.metadata.routingKey", "$.metadata.subject", "$.metadata.type");
    }

    @Test
    void reportsAMessageWithoutProducerOrStateHandler() {
        // given
        PactFile pact = pactOf(orderPlaced);

        // when
        List<Mismatch> noProducer = MessageVerifier.builder().build().mismatches(pact);
        List<Mismatch> noState = MessageVerifier.builder()
                .message("an order.placed event", s -> ProducedMessage.of("order.placed", orderPlaced.example()))
                .build().mismatches(pact);

        // then
        assertThat(noProducer).singleElement().satisfies(m -> assertThat(m.rule())
                .contains("register .message(\"an order.placed event\", ...)"));
        assertThat(noState).singleElement().satisfies(m -> assertThat(m.rule())
                .contains("register .state(\"an order was placed\", ...)"));
    }

    @Test
    void refusesAMessageWithoutTopicOrType() {
        assertThatThrownBy(() -> MessageInteraction.builder("x").type("t").build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining(".topic(");
    }

    private static PactFile pactOf(MessageInteraction interaction) {
        return PactFile.parse(new String(PactJson.write(PactWriter.document("billing", "orders",
                List.of(interaction.node()))), java.nio.charset.StandardCharsets.UTF_8));
    }
}
