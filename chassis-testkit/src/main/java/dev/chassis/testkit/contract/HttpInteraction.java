package dev.chassis.testkit.contract;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * One HTTP request a consumer sends and the response it relies on, with the provider states it
 * needs. Values may be {@link Matcher}s wherever the provider may answer with more than one value.
 *
 * <pre>{@code
 * HttpInteraction getUser = HttpInteraction.builder("a request for user 42")
 *         .given("user exists", Map.of("id", 42))
 *         .request(r -> r.method("GET").path("/users/42").header("Accept", "application/json"))
 *         .response(r -> r.status(200).body(Map.of("id", Matchers.integer(42), "name", Matchers.like("Ada"))))
 *         .build();
 * }</pre>
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class HttpInteraction {
    private final String description;
    private final List<ProviderState> states;
    private final ObjectNode node;

    private HttpInteraction(String description, List<ProviderState> states, ObjectNode node) {
        this.description = description;
        this.states = List.copyOf(states);
        this.node = node;
    }

    /**
     * @param description what the consumer does, unique among the pact's interactions in the same states
     * @return a builder
     */
    public static Builder builder(String description) {
        requireNonNull(description, "description");
        return new Builder(description);
    }

    /** @return the description */
    public String description() {
        return description;
    }

    /** @return the provider states, in declaration order */
    public List<ProviderState> states() {
        return states;
    }

    /** The V4 interaction; a copy. */
    ObjectNode node() {
        return node.deepCopy();
    }

    /** @return the description and states */
    @Override
    public String toString() {
        return Interactions.label(description, states);
    }

    /** Builds an {@link HttpInteraction}; not thread-safe. */
    public static final class Builder {
        private final String description;
        private final List<ProviderState> states = new ArrayList<>();
        private final Part request = new Part(true);
        private final Part response = new Part(false);

        private Builder(String description) {
            this.description = description;
        }

        /**
         * @param state a provider state without parameters
         * @return this builder
         */
        public Builder given(String state) {
            states.add(ProviderState.of(state));
            return this;
        }

        /**
         * @param state a provider state
         * @param params its parameters, passed to the provider's state callback
         * @return this builder
         */
        public Builder given(String state, Map<String, ?> params) {
            states.add(ProviderState.of(state, params));
            return this;
        }

        /**
         * @param spec describes the request: {@code r -> r.method("POST").path("/users").body(...)}
         * @return this builder
         */
        public Builder request(Consumer<Request> spec) {
            requireNonNull(spec, "spec");
            spec.accept(new Request(request));
            return this;
        }

        /**
         * @param spec describes the response: {@code r -> r.status(201).body(...)}
         * @return this builder
         */
        public Builder response(Consumer<Response> spec) {
            requireNonNull(spec, "spec");
            spec.accept(new Response(response));
            return this;
        }

        /**
         * @return the interaction
         */
        public HttpInteraction build() {
            ObjectNode node = Interactions.header("Synchronous/HTTP", description, states);
            node.set("request", request.node());
            node.set("response", response.node());
            return new HttpInteraction(description, states, node);
        }
    }

    /** The request side of an interaction; not thread-safe. */
    public static final class Request {
        private final Part part;

        private Request(Part part) {
            this.part = part;
        }

        /**
         * @param method the HTTP method, default {@code GET}
         * @return this request
         */
        public Request method(String method) {
            part.method = requireNonNull(method, "method").toUpperCase(Locale.ROOT);
            return this;
        }

        /**
         * @param path the path, for example {@code /users/42}, or a {@link Matcher} such as
         *             {@code Matchers.regex("/users/\\d+", "/users/42")}
         * @return this request
         */
        public Request path(Object path) {
            part.path = Examples.text(requireNonNull(path, "path"), "", part.pathRules);
            return this;
        }

        /**
         * @param name the query parameter
         * @param values its values (strings or matchers), in order
         * @return this request
         */
        public Request query(String name, Object... values) {
            requireNonNull(name, "name");
            List<String> list = new ArrayList<>();
            for (Object v : values) {
                list.add(Examples.text(requireNonNull(v, "value"), name, part.queryRules));
            }
            part.query.put(name, list);
            return this;
        }

        /**
         * @param name the header name
         * @param value its value, a string or a matcher
         * @return this request
         */
        public Request header(String name, Object value) {
            part.header(name, value);
            return this;
        }

        /**
         * A JSON body, sent with {@code Content-Type: application/json}.
         *
         * @param body maps, lists, plain values, records and {@link Matcher}s
         * @return this request
         */
        public Request body(Object body) {
            part.json(body);
            return this;
        }

        /**
         * A body that is not JSON, compared as text.
         *
         * @param contentType its content type, for example {@code text/plain}
         * @param text the body
         * @return this request
         */
        public Request body(String contentType, String text) {
            part.text(contentType, text);
            return this;
        }
    }

    /** The response side of an interaction; not thread-safe. */
    public static final class Response {
        private final Part part;

        private Response(Part part) {
            this.part = part;
        }

        /**
         * @param status the HTTP status, default 200
         * @return this response
         */
        public Response status(int status) {
            if (status < 100 || status > 599) {
                throw new IllegalArgumentException("status must be 100..599, was " + status);
            }
            part.status = status;
            return this;
        }

        /**
         * @param name the header name
         * @param value its value, a string or a matcher
         * @return this response
         */
        public Response header(String name, Object value) {
            part.header(name, value);
            return this;
        }

        /**
         * A JSON body, with {@code Content-Type: application/json}.
         *
         * @param body maps, lists, plain values, records and {@link Matcher}s
         * @return this response
         */
        public Response body(Object body) {
            part.json(body);
            return this;
        }

        /**
         * A body that is not JSON, compared as text.
         *
         * @param contentType its content type
         * @param text the body
         * @return this response
         */
        public Response body(String contentType, String text) {
            part.text(contentType, text);
            return this;
        }
    }

    /** What a request or response builder collects. */
    private static final class Part {
        private final boolean request;
        private String method = "GET";
        private String path = "/";
        private int status = 200;
        private final Map<String, List<String>> query = new LinkedHashMap<>();
        private final Map<String, List<String>> headers = new LinkedHashMap<>();
        private @Nullable ObjectNode body;
        private final ObjectNode pathRules = PactJson.object();
        private final ObjectNode queryRules = PactJson.object();
        private final ObjectNode headerRules = PactJson.object();
        private final ObjectNode bodyRules = PactJson.object();

        Part(boolean request) {
            this.request = request;
        }

        void header(String name, Object value) {
            requireNonNull(name, "name");
            headers.put(name, List.of(Examples.text(requireNonNull(value, "value"), name, headerRules)));
        }

        void json(Object value) {
            bodyRules.removeAll();
            JsonNode content = Examples.build(requireNonNull(value, "body"), "$", bodyRules);
            body = HttpParts.bodyNode(content, "application/json");
            if (headers.keySet().stream().noneMatch("Content-Type"::equalsIgnoreCase)) {
                headers.put("Content-Type", List.of("application/json"));
            }
        }

        void text(String contentType, String text) {
            requireNonNull(contentType, "contentType");
            requireNonNull(text, "text");
            bodyRules.removeAll();
            body = HttpParts.bodyNode(PactJson.NODES.textNode(text), contentType);
            headers.put("Content-Type", List.of(contentType));
        }

        ObjectNode node() {
            ObjectNode node = PactJson.object();
            if (request) {
                node.put("method", method);
                node.put("path", path);
                if (!query.isEmpty()) {
                    node.set("query", PactJson.toNode(query));
                }
            } else {
                node.put("status", status);
            }
            if (!headers.isEmpty()) {
                node.set("headers", PactJson.toNode(headers));
            }
            if (body != null) {
                node.set("body", body.deepCopy());
            }
            ObjectNode rules = PactJson.object();
            if (!pathRules.isEmpty()) {
                rules.set("path", pathRules.get(""));
            }
            putIfAny(rules, "query", queryRules);
            putIfAny(rules, "header", headerRules);
            putIfAny(rules, "body", bodyRules);
            if (!rules.isEmpty()) {
                node.set("matchingRules", rules);
            }
            return node;
        }

        private static void putIfAny(ObjectNode rules, String category, ObjectNode values) {
            if (!values.isEmpty()) {
                rules.set(category, values.deepCopy());
            }
        }
    }
}
