package dev.chassis.testkit.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The mismatch report a provider developer reads: per interaction, path, expected, actual and rule. */
class VerificationReportTest {

    private static PactFile pact(HttpInteraction... interactions) {
        return PactFile.parse(new String(PactJson.write(PactWriter.document("shop", "catalog",
                java.util.Arrays.stream(interactions).map(i -> (com.fasterxml.jackson.databind.JsonNode) i.node()).toList())),
                StandardCharsets.UTF_8));
    }

    @Test
    void listsEveryMismatchUnderItsInteraction() {
        // given
        PactFile pact = pact(
                HttpInteraction.builder("a product").given("product exists", Map.of("sku", "A-1"))
                        .request(r -> r.path("/products/A-1"))
                        .response(r -> r.body(Map.of("items", Matchers.eachLike(Map.of("id", Matchers.integer(1))),
                                "name", "Kettle")))
                        .build(),
                HttpInteraction.builder("the catalog").request(r -> r.path("/products"))
                        .response(r -> r.status(200)).build());
        try (FakeProvider provider = FakeProvider.start()
                .answer("GET /products/A-1", "{\"items\":[{\"id\":\"x\"}],\"name\":\"Pot\"}")
                .answer("GET /products", "[]")) {
            HttpVerifier verifier = HttpVerifier.builder().baseUri(provider.baseUri())
                    .state("product exists", p -> { }).build();

            // when / then
            assertThatThrownBy(() -> verifier.verify(pact))
                    .isInstanceOf(AssertionError.class)
                    .hasMessage("pact shop -> catalog not honoured by " + provider.baseUri()
                            + ": 2 mismatches in 1 of 2 interactions\n"
                            + "interaction 'a product' given 'product exists {sku=A-1}':\n"
                            + "  $.body.items[0].id\n"
                            + "      expected: 1\n"
                            + "      actual:   \"x\"\n"
                            + "      rule:     integer: is not an integer\n"
                            + "  $.body.name\n"
                            + "      expected: \"Kettle\"\n"
                            + "      actual:   \"Pot\"\n"
                            + "      rule:     equality");
        }
    }

    @Test
    void reportsAStatusMismatchAndAMissingStateHandler() {
        // given
        PactFile pact = pact(HttpInteraction.builder("create").given("logged in")
                        .request(r -> r.method("POST").path("/products").body(Map.of("name", "Pan")))
                        .response(r -> r.status(201)).build(),
                HttpInteraction.builder("gone").request(r -> r.path("/old")).response(r -> r.status(200)).build());
        try (FakeProvider provider = FakeProvider.start()) {
            // when
            List<Mismatch> mismatches = HttpVerifier.builder().baseUri(provider.baseUri()).build().mismatches(pact);

            // then
            assertThat(mismatches).containsExactly(
                    new Mismatch("'create' given 'logged in'", "$.providerStates", "logged in", "(missing)",
                            "a state handler for every provider state; register .state(\"logged in\", ...)"),
                    new Mismatch("'gone'", "$.status", "200", "404", "equality"));
        }
    }

    @Test
    void reportsAProviderThatDoesNotAnswer() {
        // given
        PactFile pact = pact(HttpInteraction.builder("ping").request(r -> r.path("/ping")).build());
        FakeProvider stopped = FakeProvider.start();
        stopped.close();

        // when
        List<Mismatch> mismatches = HttpVerifier.builder().baseUri(stopped.baseUri()).build().mismatches(pact);

        // then
        assertThat(mismatches).singleElement().satisfies(m -> {
            assertThat(m.path()).isEqualTo("$");
            assertThat(m.rule()).isEqualTo("the provider must answer");
            assertThat(m.actual()).contains("ConnectException");
        });
    }
}
