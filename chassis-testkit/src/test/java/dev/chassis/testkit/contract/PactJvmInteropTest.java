package dev.chassis.testkit.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.chassis.core.envelope.Envelope;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

/**
 * Interoperability with Pact JVM, the reference implementation, both ways: a pact our DSL writes is
 * verified by Pact JVM's provider verifier, and a pact Pact JVM's consumer DSL writes is verified by
 * ours, each with a provider that honours it and one that breaks it.
 */
class PactJvmInteropTest {
    static {
        // Pact JVM otherwise reports usage over the network, which stalls each run on a machine without access
        System.setProperty("pact_do_not_track", "true");
    }

    @Test
    void pactJvmVerifiesAnHttpPactWrittenByOurDsl() {
        // given
        InteropFixtures.clean(InteropFixtures.OURS_HTTP);
        assertThat(run(OurUserConsumerContract.class).succeeded().count()).isEqualTo(1);

        // when
        Events verification = run(PactJvmProviderChecks.HonouredHttp.class);

        // then
        assertThat(verification.failed().count()).as(failures(verification)).isZero();
        assertThat(verification.succeeded().count()).isEqualTo(1);
        assertThat(PactFile.read(InteropFixtures.OURS_HTTP.resolve("order-service-user-service.json"))
                .specificationVersion()).isEqualTo("4.0");
    }

    @Test
    void pactJvmRejectsAProviderThatChangesAFieldTypeOurPactFixes() {
        // given
        InteropFixtures.clean(InteropFixtures.OURS_HTTP);
        assertThat(run(OurUserConsumerContract.class).succeeded().count()).isEqualTo(1);

        // when
        Events verification = run(PactJvmProviderChecks.BrokenHttp.class);

        // then
        assertThat(verification.failed().count()).isEqualTo(1);
        assertThat(failures(verification)).contains("$.id");
    }

    @Test
    void pactJvmVerifiesAMessagePactWrittenByOurDsl() {
        // given
        InteropFixtures.clean(InteropFixtures.OURS_MESSAGES);
        assertThat(run(OurEventConsumerContract.class).succeeded().count()).isEqualTo(1);

        PactJvmProviderChecks.Messages.topic = "user.created";

        // when
        Events verification = run(PactJvmProviderChecks.Messages.class);

        // then
        assertThat(verification.failed().count()).as(failures(verification)).isZero();
        assertThat(verification.succeeded().count()).isEqualTo(1);
    }

    @Test
    void pactJvmRejectsAProducerThatChangesTheRoutingKey() {
        // given
        InteropFixtures.clean(InteropFixtures.OURS_MESSAGES);
        assertThat(run(OurEventConsumerContract.class).succeeded().count()).isEqualTo(1);

        PactJvmProviderChecks.Messages.topic = "user.registered";

        // when
        Events verification = run(PactJvmProviderChecks.Messages.class);

        // then
        assertThat(verification.failed().count()).isEqualTo(1);
        assertThat(failures(verification)).contains("metadata", "user.registered");
    }

    @Test
    void ourVerifierAcceptsAProviderHonouringAPactWrittenByPactJvm() {
        // given
        Path pact = theirHttpPact();
        List<Map<String, Object>> states = new CopyOnWriteArrayList<>();
        try (FakeProvider provider = FakeProvider.start().answer("GET /products/ABC-1", InteropFixtures.GOOD_PRODUCT)) {
            HttpVerifier verifier = HttpVerifier.builder().baseUri(provider.baseUri())
                    .state("product exists", states::add)
                    .build();

            // when
            verifier.verify(pact);
        }

        // then
        assertThat(states).containsExactly(Map.of("sku", "ABC-1"));
    }

    @Test
    void ourVerifierRejectsAProviderBreakingAPactWrittenByPactJvm() {
        // given
        Path pact = theirHttpPact();
        try (FakeProvider provider = FakeProvider.start().answer("GET /products/ABC-1", InteropFixtures.WRONG_PRODUCT)) {
            HttpVerifier verifier = HttpVerifier.builder().baseUri(provider.baseUri())
                    .state("product exists", params -> { })
                    .build();

            // when / then
            assertThatThrownBy(() -> verifier.verify(pact))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("$.body.stock")
                    .hasMessageContaining("$.body.sku")
                    .hasMessageContaining("2 mismatches in 1 of 1 interaction");
        }
    }

    @Test
    void ourVerifierChecksAMessagePactWrittenByPactJvm() {
        // given
        InteropFixtures.clean(InteropFixtures.THEIRS_MESSAGES);
        Events consumer = run(PactJvmConsumerChecks.EventConsumer.class);
        assertThat(consumer.failed().count()).as(failures(consumer)).isZero();
        PactFile pact = PactFile.read(InteropFixtures.THEIRS_MESSAGES.resolve("audit-service-user-service.json"));
        Envelope event = Envelope.builder().type("user.created").source("/user-service")
                .data(Map.of("userId", "u-9", "email", "lin@example.com")).build();
        MessageVerifier honest = MessageVerifier.builder().state("a user registered", params -> { })
                .message("a user.created event", states -> ProducedMessage.of("user.created", event)).build();
        MessageVerifier renamed = MessageVerifier.builder().state("a user registered", params -> { })
                .message("a user.created event", states -> ProducedMessage.of("user.registered", event)).build();

        // when
        List<Mismatch> honestMismatches = honest.mismatches(pact);
        List<Mismatch> renamedMismatches = renamed.mismatches(pact);

        // then
        assertThat(honestMismatches).isEmpty();
        assertThat(renamedMismatches).extracting(Mismatch::path).containsExactly("$.metadata.routingKey");
    }

    private static Path theirHttpPact() {
        InteropFixtures.clean(InteropFixtures.THEIRS_HTTP);
        Events consumer = run(PactJvmConsumerChecks.CatalogConsumer.class);
        assertThat(consumer.failed().count()).as(failures(consumer)).isZero();
        Path pact = InteropFixtures.THEIRS_HTTP.resolve("shop-ui-catalog-service.json");
        assertThat(PactFile.read(pact).specificationVersion()).startsWith("4.");
        return pact;
    }

    private static Events run(Class<?> testClass) {
        return EngineTestKit.engine("junit-jupiter").selectors(selectClass(testClass)).execute().testEvents();
    }

    private static String failures(Events events) {
        StringBuilder b = new StringBuilder();
        events.failed().stream().forEach(e -> e.getPayload(TestExecutionResult.class)
                .flatMap(TestExecutionResult::getThrowable)
                .ifPresent(t -> b.append(t).append('\n')));
        return b.toString();
    }
}
