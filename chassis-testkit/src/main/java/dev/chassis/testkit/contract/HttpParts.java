package dev.chassis.testkit.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * Reads the parts of a V4 HTTP request or response node and matches actual requests and responses
 * against them. Stateless.
 */
final class HttpParts {
    private HttpParts() {
    }

    /** An HTTP request as the stub provider received it. */
    record Received(String method, String path, Map<String, List<String>> query, Map<String, List<String>> headers,
                    byte[] body) {
        String describe() {
            String q = query.isEmpty() ? "" : "?" + encodeQuery(query);
            return method + " " + path + q;
        }
    }

    static List<Mismatch> matchRequest(String interaction, JsonNode expected, Received actual) {
        Matching m = new Matching(interaction);
        JsonNode rules = expected.get("matchingRules");
        m.value("$.method", TextNode.valueOf(expected.path("method").asText("GET").toUpperCase(Locale.ROOT)),
                TextNode.valueOf(actual.method().toUpperCase(Locale.ROOT)), null);
        m.value("$.path", TextNode.valueOf(expected.path("path").asText("/")), TextNode.valueOf(actual.path()),
                Rules.of(rules, "path").single());
        m.query(stringLists(expected.get("query")), actual.query(), Rules.of(rules, "query"));
        m.headers(stringLists(expected.get("headers")), actual.headers(), Rules.of(rules, "header"));
        bodies(m, expected, actual.body(), rules, false);
        return m.mismatches();
    }

    static List<Mismatch> matchResponse(String interaction, JsonNode expected, int status,
                                        Map<String, List<String>> headers, byte[] body) {
        Matching m = new Matching(interaction);
        JsonNode rules = expected.get("matchingRules");
        m.value("$.status", IntNode.valueOf(expected.path("status").asInt(200)), IntNode.valueOf(status),
                Rules.of(rules, "status").single());
        m.headers(stringLists(expected.get("headers")), headers, Rules.of(rules, "header"));
        bodies(m, expected, body, rules, true);
        return m.mismatches();
    }

    /** Compares a body given as V4 {@code {"content":..., "contentType":...}} with actual bytes. */
    static void bodies(Matching m, JsonNode expectedPart, byte[] actual, @Nullable JsonNode rules, boolean allowExtraKeys) {
        JsonNode expected = content(expectedPart.get("body"));
        if (expected == null) {
            return;
        }
        m.body(expected, actualBody(expected, actual), Rules.of(rules, "body"), allowExtraKeys);
    }

    /** The expected body content, or null when the contract says nothing about the body. */
    static @Nullable JsonNode content(@Nullable JsonNode body) {
        if (body == null || body.isNull() || body.isMissingNode()) {
            return null;
        }
        JsonNode content = body.get("content");
        if (content == null) {
            return null;
        }
        String encoded = body.path("encoded").asText("false");
        if (content.isTextual() && (encoded.equalsIgnoreCase("base64") || encoded.equals("true"))) {
            return TextNode.valueOf(new String(Base64.getDecoder().decode(content.asText()), StandardCharsets.UTF_8));
        }
        if (content.isTextual() && encoded.equalsIgnoreCase("json")) {
            try {
                return PactJson.read(content.asText().getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                return content;
            }
        }
        return content;
    }

    /** Actual bytes as JSON when the expectation is structured JSON (or the bytes parse), else as text. */
    static @Nullable JsonNode actualBody(JsonNode expected, byte[] actual) {
        if (actual.length == 0) {
            return null;
        }
        if (expected.isContainerNode() || !expected.isTextual()) {
            try {
                return PactJson.read(actual);
            } catch (IOException e) {
                return TextNode.valueOf(new String(actual, StandardCharsets.UTF_8));
            }
        }
        return TextNode.valueOf(new String(actual, StandardCharsets.UTF_8));
    }

    /** The bytes to send for an expected body: JSON content as JSON, text as it is. */
    static byte[] bytes(@Nullable JsonNode body) {
        JsonNode content = content(body);
        if (content == null) {
            return new byte[0];
        }
        String text = content.isTextual() ? content.textValue() : PactJson.compact(content);
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** Reads {@code {"name": ["a", "b"]}} or {@code {"name": "a"}} into name -> values. */
    static Map<String, List<String>> stringLists(@Nullable JsonNode node) {
        Map<String, List<String>> map = new LinkedHashMap<>();
        if (node == null || !node.isObject()) {
            return map;
        }
        Iterator<Map.Entry<String, JsonNode>> it = node.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            List<String> values = new ArrayList<>();
            if (e.getValue().isArray()) {
                e.getValue().forEach(v -> values.add(PactJson.text(v)));
            } else {
                values.add(PactJson.text(e.getValue()));
            }
            map.put(e.getKey(), values);
        }
        return map;
    }

    static Map<String, List<String>> parseQuery(@Nullable String raw) {
        Map<String, List<String>> query = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return query;
        }
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            query.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }
        return query;
    }

    static String encodeQuery(Map<String, List<String>> query) {
        return query.entrySet().stream()
                .flatMap(e -> e.getValue().stream().map(v -> encode(e.getKey()) + "=" + encode(v)))
                .collect(Collectors.joining("&"));
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** The example response's headers, with a JSON content type added when the body is JSON. */
    static Map<String, List<String>> responseHeaders(JsonNode response) {
        Map<String, List<String>> headers = stringLists(response.get("headers"));
        JsonNode body = response.get("body");
        if (body != null && body.has("contentType") && headers.keySet().stream().noneMatch("Content-Type"::equalsIgnoreCase)) {
            headers.put("Content-Type", List.of(body.get("contentType").asText()));
        }
        return headers;
    }

    static ObjectNode bodyNode(JsonNode content, String contentType) {
        ObjectNode body = PactJson.object();
        body.set("content", content);
        body.put("contentType", contentType);
        body.put("encoded", false);
        return body;
    }
}
