package dev.chassis.testkit.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chassis.core.envelope.Envelope;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Reading V2, V3 and V4 pact files, checked by verifying them against real providers. */
class PactFileTest {

    private static PactFile resource(String name) {
        try (InputStream in = PactFileTest.class.getResourceAsStream("/contract/" + name)) {
            return PactFile.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void readsAV3HttpPactAndVerifiesItsRules() {
        // given
        PactFile pact = resource("v3-http.json");
        List<Object> params = new ArrayList<>();
        try (FakeProvider good = FakeProvider.start().answer("GET /accounts/5",
                "{\"id\":5,\"owner\":{\"name\":\"Lin\"},\"limits\":[1,2.5,3]}");
             FakeProvider bad = FakeProvider.start().answer("GET /accounts/5",
                     "{\"id\":5.5,\"owner\":{\"name\":\"Lin\"},\"limits\":[]}")) {

            // when
            List<Mismatch> none = HttpVerifier.builder().baseUri(good.baseUri())
                    .state("account exists", p -> params.add(p.get("id"))).build().mismatches(pact);
            List<Mismatch> two = HttpVerifier.builder().baseUri(bad.baseUri())
                    .state("account exists", p -> { }).build().mismatches(pact);

            // then
            assertThat(pact.consumer()).isEqualTo("billing");
            assertThat(pact.provider()).isEqualTo("accounts");
            assertThat(pact.specificationVersion()).isEqualTo("3.0.0");
            assertThat(none).isEmpty();
            assertThat(params).containsExactly(5);
            assertThat(two).extracting(Mismatch::path).containsExactly("$.body.id", "$.body.limits");
        }
    }

    @Test
    void readsAV2PactWithFlatRulesAndAQueryString() {
        // given
        PactFile pact = resource("v2-http.json");
        try (FakeProvider provider = FakeProvider.start().answer("GET /accounts", "{\"total\":40}")) {

            // when
            List<Mismatch> mismatches = HttpVerifier.builder().baseUri(provider.baseUri())
                    .state("accounts exist", p -> { }).build().mismatches(pact);

            // then
            assertThat(pact.interactions()).containsExactly("'a search' given 'accounts exist'");
            assertThat(mismatches).isEmpty();
        }
    }

    @Test
    void readsAV3MessagePact() {
        // given
        PactFile pact = resource("v3-message.json");
        Envelope opened = Envelope.builder().type("account.opened").source("/accounts")
                .data(Map.of("accountId", "a-77", "opened", "2025-03-01")).build();
        Envelope wrong = Envelope.builder().type("account.opened").source("/accounts")
                .data(Map.of("accountId", "77", "opened", "01.03.2025")).build();

        // when
        List<Mismatch> none = MessageVerifier.builder().state("an account was opened", p -> { })
                .message("an account.opened event", s -> ProducedMessage.of("account.opened", opened))
                .build().mismatches(pact);
        List<Mismatch> two = MessageVerifier.builder().state("an account was opened", p -> { })
                .message("an account.opened event", s -> ProducedMessage.of("account.opened", wrong))
                .build().mismatches(pact);

        // then
        assertThat(none).isEmpty();
        assertThat(two).extracting(Mismatch::path).containsExactly("$.body.accountId", "$.body.opened");
    }

    @Test
    void readsTheV4FilesItWrites() {
        // given
        byte[] file = PactJson.write(PactWriter.document("c", "p", List.of(
                HttpInteraction.builder("get").given("s", Map.of("k", "v")).request(r -> r.path("/x"))
                        .response(r -> r.status(204)).build().node(),
                MessageInteraction.builder("event").topic("t").type("e").body(Map.of("a", 1)).build().node())));

        // when
        PactFile pact = PactFile.parse(new String(file, StandardCharsets.UTF_8));

        // then
        assertThat(pact.specificationVersion()).isEqualTo("4.0");
        assertThat(pact.interactions()).containsExactly("'get' given 's {k=v}'", "'event'");
    }

    @Test
    void appliesStatusAndHeaderRulesOfAV4PactFromAnotherTool() {
        // given: a V4 interaction with a status class, as Pact JVM and pact-js write it
        PactFile pact = PactFile.parse("""
                {"consumer":{"name":"ui"},"provider":{"name":"catalog"},
                 "interactions":[{"type":"Synchronous/HTTP","description":"any product","key":"k1","pending":false,
                   "request":{"method":"GET","path":"/products"},
                   "response":{"status":200,"headers":{"Content-Type":["application/json"]},
                     "matchingRules":{"status":{"combine":"AND","matchers":[{"match":"statusCode","status":"success"}]},
                       "header":{"Content-Type":{"combine":"AND","matchers":[{"match":"regex","regex":"application/.*json.*"}]}}}}}],
                 "metadata":{"pactSpecification":{"version":"4.0"}}}
                """);
        try (FakeProvider found = FakeProvider.start().answer("GET /products", "[]");
             FakeProvider missing = FakeProvider.start()) {

            // when
            List<Mismatch> none = HttpVerifier.builder().baseUri(found.baseUri()).build().mismatches(pact);
            List<Mismatch> one = HttpVerifier.builder().baseUri(missing.baseUri()).build().mismatches(pact);

            // then
            assertThat(none).isEmpty();
            assertThat(one).singleElement().satisfies(m -> {
                assertThat(m.path()).isEqualTo("$.status");
                assertThat(m.rule()).isEqualTo("statusCode status=success: is not a success status");
            });
        }
    }

    @Test
    void rejectsADocumentThatIsNoPact() {
        assertThatThrownBy(() -> PactFile.parse("{\"consumer\":{}}")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("provider.name");
        assertThatThrownBy(() -> PactFile.parse("nope")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not JSON");
    }
}
