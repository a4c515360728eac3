package dev.chassis.testkit.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.Events;
import org.junit.platform.testkit.engine.EngineTestKit;

/** The stub provider and the consumer-side checks of {@link HttpContract}. */
class HttpContractTest {
    @TempDir
    Path dir;

    @Test
    void servesDeclaredInteractionsAndWritesThePactAfterAPassingTest() throws Exception {
        // given
        StubScenarios.directory = dir;

        // when
        Events events = run(StubScenarios.Honoured.class);

        // then
        assertThat(events.succeeded().count()).as(failure(events)).isEqualTo(1);
        PactFile pact = PactFile.read(dir.resolve("stub-consumer-stub-provider.json"));
        assertThat(pact.interactions()).containsExactly("'a request for user 1' given 'user exists'");
        assertThat(pact.specificationVersion()).isEqualTo("4.0");
    }

    @Test
    void failsTheTestOnAnUnexpectedRequestNamingTheClosestInteraction() {
        // given
        StubScenarios.directory = dir;

        // when
        Events events = run(StubScenarios.Unexpected.class);

        // then
        assertThat(events.failed().count()).isEqualTo(1);
        assertThat(failure(events))
                .contains("unexpected requests:", "GET /users/2", "closest interaction 'a request for user 1'",
                        "$.path", "expected: \"/users/1\"", "actual:   \"/users/2\"");
        assertThat(dir.resolve("stub-consumer-stub-provider.json")).doesNotExist();
    }

    @Test
    void failsTheTestWhenADeclaredInteractionIsNeverRequested() {
        // given
        StubScenarios.directory = dir;

        // when
        Events events = run(StubScenarios.Missing.class);

        // then
        assertThat(events.failed().count()).isEqualTo(1);
        assertThat(failure(events)).contains("interactions declared but never requested:",
                "'a request for user 1' given 'user exists'");
        assertThat(Files.exists(dir.resolve("stub-consumer-stub-provider.json"))).isFalse();
    }

    @Test
    void refusesUseOutsideATestAndMissingNames() {
        HttpContract contract = HttpContract.builder().consumer("a").provider("b").build();
        assertThatThrownBy(contract::baseUri).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("@RegisterExtension");
        assertThatThrownBy(() -> HttpContract.builder().consumer("a").build()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("set the provider name");
        assertThatThrownBy(() -> HttpContract.builder().consumer("a/b").provider("c").build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("file name");
    }

    static Events run(Class<?> testClass) {
        return EngineTestKit.engine("junit-jupiter").selectors(selectClass(testClass)).execute().testEvents();
    }

    static String failure(Events events) {
        StringBuilder b = new StringBuilder();
        events.failed().stream().forEach(e -> e.getPayload(TestExecutionResult.class)
                .flatMap(TestExecutionResult::getThrowable).ifPresent(t -> b.append(t.getMessage()).append('\n')));
        return b.toString();
    }
}
