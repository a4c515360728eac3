package dev.chassis.testkit.contract;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The consumer side of an HTTP contract, as a JUnit 5 extension: before each test it starts a stub
 * provider on a free loopback port; the test declares the interactions it relies on and points its
 * real client at {@link #baseUri()}; after the test the extension fails it if a request matched no
 * interaction or a declared interaction was never requested, and otherwise merges the interactions
 * into the pact file {@code <pactDirectory>/<consumer>-<provider>.json} (Pact specification V4).
 *
 * <pre>{@code
 * @RegisterExtension
 * static final HttpContract contract = HttpContract.builder()
 *         .consumer("order-service").provider("user-service").build();
 *
 * @Test
 * void readsAUser() {
 *     contract.interaction("a request for user 42", i -> i
 *             .given("user exists", Map.of("id", 42))
 *             .request(r -> r.method("GET").path("/users/42"))
 *             .response(r -> r.status(200).body(Map.of("id", Matchers.integer(42)))));
 *     assertThat(new UserClient(contract.baseUri()).user(42).id()).isEqualTo(42);
 * }
 * }</pre>
 *
 * <p>Files are deterministic: the same tests give byte-identical files in any order and with test
 * classes running in parallel. Register one instance per test class; its tests must run one at a
 * time (the default), while several classes may run in parallel. Instances are thread-safe.
 */
public final class HttpContract implements BeforeEachCallback, AfterEachCallback {
    private final String consumer;
    private final String provider;
    private final Path pactDirectory;
    private volatile @Nullable StubProvider stub;

    private HttpContract(String consumer, String provider, Path pactDirectory) {
        this.consumer = consumer;
        this.provider = provider;
        this.pactDirectory = pactDirectory;
    }

    /** @return a builder; consumer and provider names are required */
    public static ContractBuilder<HttpContract> builder() {
        return new ContractBuilder<>(HttpContract::new);
    }

    /**
     * Declares an interaction for the running test.
     *
     * @param description what the consumer does, for example {@code "a request for user 42"}
     * @param spec states, request and response
     * @return this contract
     * @throws IllegalStateException outside a test
     */
    public HttpContract interaction(String description, Consumer<HttpInteraction.Builder> spec) {
        requireNonNull(spec, "spec");
        HttpInteraction.Builder b = HttpInteraction.builder(description);
        spec.accept(b);
        return add(b.build());
    }

    /**
     * Declares a prepared interaction for the running test.
     *
     * @param interaction the interaction
     * @return this contract
     * @throws IllegalStateException outside a test
     */
    public HttpContract add(HttpInteraction interaction) {
        requireNonNull(interaction, "interaction");
        running().add(interaction);
        return this;
    }

    /**
     * @return the stub provider's base URI, {@code http://127.0.0.1:<port>}, valid during the test
     * @throws IllegalStateException outside a test
     */
    public URI baseUri() {
        return running().baseUri();
    }

    /** @return the pact file this contract writes */
    public Path pactFile() {
        return PactWriter.file(pactDirectory, consumer, provider);
    }

    /** Starts the stub provider. */
    @Override
    public void beforeEach(ExtensionContext context) {
        stub = new StubProvider();
    }

    /**
     * Stops the stub provider, checks the test's requests and writes the pact file.
     *
     * @throws AssertionError if a request was unexpected or a declared interaction was not requested
     */
    @Override
    public void afterEach(ExtensionContext context) {
        StubProvider s = stub;
        stub = null;
        if (s == null) {
            return;
        }
        s.close();
        if (context.getExecutionException().isPresent()) {
            return;
        }
        StringBuilder problems = new StringBuilder();
        List<String> unexpected = s.unexpected();
        if (!unexpected.isEmpty()) {
            problems.append("\nunexpected requests:\n  ").append(String.join("\n  ", unexpected));
        }
        List<HttpInteraction> missing = s.missing();
        if (!missing.isEmpty()) {
            problems.append("\ninteractions declared but never requested:\n  ")
                    .append(missing.stream().map(HttpInteraction::toString).collect(Collectors.joining("\n  ")));
        }
        if (problems.length() > 0) {
            throw new AssertionError("contract " + consumer + " -> " + provider + " not met:" + problems);
        }
        PactWriter.merge(pactFile(), consumer, provider, s.used().stream().map(HttpInteraction::node).toList());
    }

    private StubProvider running() {
        StubProvider s = stub;
        if (s == null) {
            throw new IllegalStateException("the contract " + consumer + " -> " + provider
                    + " has no running stub provider; use it inside a test and register it with @RegisterExtension");
        }
        return s;
    }
}
