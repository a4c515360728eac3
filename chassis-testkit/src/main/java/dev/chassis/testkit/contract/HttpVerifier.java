package dev.chassis.testkit.contract;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The provider side of an HTTP contract: replays every HTTP interaction of a pact file against a
 * running provider and compares each response with the contract's expectations and matching rules.
 * Before each interaction the {@link StateHandler}s of its provider states run.
 *
 * <pre>{@code
 * HttpVerifier verifier = HttpVerifier.builder()
 *         .baseUri(URI.create("http://127.0.0.1:" + server.port()))
 *         .state("user exists", params -> users.save(new User(42, "Ada")))
 *         .build();
 * verifier.verify(Path.of("pacts/order-service-user-service.json"));
 * }</pre>
 *
 * <p>A missing state handler, a failed request and every difference count as mismatches; the
 * {@link AssertionError} lists all of them with path, expected, actual and rule. Instances are
 * immutable and thread-safe if the state handlers are.
 */
public final class HttpVerifier {
    private static final Set<String> RESTRICTED = Set.of("connection", "content-length", "expect", "host", "upgrade");

    private final URI baseUri;
    private final Map<String, StateHandler> states;
    private final Duration timeout;
    private final HttpClient client;

    private HttpVerifier(URI baseUri, Map<String, StateHandler> states, Duration timeout) {
        this.baseUri = baseUri;
        this.states = Map.copyOf(states);
        this.timeout = timeout;
        this.client = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    /** @return a builder; the base URI is required */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Verifies every HTTP interaction of the pact file.
     *
     * @param pactFile a V2, V3 or V4 pact file
     * @throws AssertionError listing every mismatch, or if the file holds no HTTP interaction
     */
    public void verify(Path pactFile) {
        verify(PactFile.read(pactFile));
    }

    /**
     * Verifies every HTTP interaction of the pact.
     *
     * @param pact the pact
     * @throws AssertionError listing every mismatch, or if the pact holds no HTTP interaction
     */
    public void verify(PactFile pact) {
        List<Mismatch> mismatches = mismatches(pact);
        if (!mismatches.isEmpty()) {
            throw Reports.failure("pact " + pact + " not honoured by " + baseUri, http(pact).size(), mismatches);
        }
    }

    /**
     * @param pact the pact
     * @return the mismatches of all its HTTP interactions, in file order; empty if the provider honours it
     * @throws AssertionError if the pact holds no HTTP interaction
     */
    public List<Mismatch> mismatches(PactFile pact) {
        requireNonNull(pact, "pact");
        return Verification.each(http(pact), this::verifyOne);
    }

    private static List<JsonNode> http(PactFile pact) {
        return Verification.ofType(pact, Interactions.HTTP, "HTTP interaction");
    }

    private List<Mismatch> verifyOne(JsonNode interaction) {
        String label = Interactions.label(interaction);
        Mismatch stateFailure = Verification.setUpStates(interaction, states);
        if (stateFailure != null) {
            return List.of(stateFailure);
        }
        JsonNode request = interaction.path("request");
        HttpResponse<byte[]> response;
        try {
            response = client.send(request(request), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            return List.of(new Mismatch(label, "$", "a response", Reports.exception(e), "the provider must answer"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while verifying " + label, e);
        }
        Map<String, List<String>> headers = new LinkedHashMap<>(response.headers().map());
        return HttpParts.matchResponse(label, interaction.path("response"), response.statusCode(), headers,
                response.body());
    }

    private HttpRequest request(JsonNode request) {
        String path = request.path("path").asText("/");
        Map<String, List<String>> query = HttpParts.stringLists(request.get("query"));
        String base = baseUri.toString().replaceAll("/+$", "");
        URI uri = URI.create(base + path + (query.isEmpty() ? "" : "?" + HttpParts.encodeQuery(query)));
        byte[] body = HttpParts.bytes(request.get("body"));
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(timeout)
                .method(request.path("method").asText("GET").toUpperCase(Locale.ROOT),
                        body.length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        Map<String, List<String>> headers = HttpParts.stringLists(request.get("headers"));
        JsonNode bodyNode = request.get("body");
        if (body.length > 0 && bodyNode != null && bodyNode.has("contentType")
                && headers.keySet().stream().noneMatch("Content-Type"::equalsIgnoreCase)) {
            headers.put("Content-Type", List.of(bodyNode.get("contentType").asText()));
        }
        headers.forEach((name, values) -> {
            if (!RESTRICTED.contains(name.toLowerCase(Locale.ROOT))) {
                b.header(name, String.join(", ", values));
            }
        });
        return b.build();
    }

    /** Configures an {@link HttpVerifier}; not thread-safe. */
    public static final class Builder {
        private @Nullable URI baseUri;
        private final Map<String, StateHandler> states = new LinkedHashMap<>();
        private Duration timeout = Duration.ofSeconds(10);

        private Builder() {
        }

        /**
         * @param baseUri where the provider runs, for example {@code http://127.0.0.1:8080}
         * @return this builder
         */
        public Builder baseUri(URI baseUri) {
            this.baseUri = requireNonNull(baseUri, "baseUri");
            return this;
        }

        /**
         * @param name a provider state's name as the pact spells it
         * @param handler sets the state up
         * @return this builder
         */
        public Builder state(String name, StateHandler handler) {
            states.put(requireNonNull(name, "name"), requireNonNull(handler, "handler"));
            return this;
        }

        /**
         * @param timeout connect and request timeout per interaction, default 10 seconds
         * @return this builder
         */
        public Builder timeout(Duration timeout) {
            requireNonNull(timeout, "timeout");
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeout must be positive, was " + timeout);
            }
            this.timeout = timeout;
            return this;
        }

        /**
         * @return the verifier
         * @throws IllegalStateException if no base URI was set
         */
        public HttpVerifier build() {
            if (baseUri == null) {
                throw new IllegalStateException("set the provider's base URI, for example .baseUri(URI.create(\"http://127.0.0.1:8080\"))");
            }
            return new HttpVerifier(baseUri, states, timeout);
        }
    }
}
