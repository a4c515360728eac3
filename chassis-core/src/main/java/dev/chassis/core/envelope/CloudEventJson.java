package dev.chassis.core.envelope;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;

import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Converts envelopes to and from the CloudEvents 1.0 structured JSON format
 * ({@value #CONTENT_TYPE}), so that any CloudEvents SDK can read what the chassis writes and the
 * other way round.
 *
 * <p>A JSON payload ({@code datacontenttype} {@code application/json} or {@code *+json}, or none)
 * is embedded as the {@code data} member; a {@code text/*} payload as a string; anything else as
 * {@code data_base64}. Extensions become top-level members. Instances are stateless and thread-safe.
 *
 * <pre>{@code
 * byte[] json = CloudEventJson.write(envelope);
 * Envelope back = CloudEventJson.read(json);
 * }</pre>
 */
public final class CloudEventJson {
    /** The media type of the structured JSON format. */
    public static final String CONTENT_TYPE = "application/cloudevents+json";

    private static final ObjectMapper MAPPER = JsonMapper.builder().build();

    private CloudEventJson() {
    }

    /**
     * Writes an envelope as one CloudEvents JSON object.
     *
     * @param envelope the envelope
     * @return UTF-8 JSON
     * @throws InvalidEnvelopeException if the envelope declares a JSON payload that is not valid JSON
     */
    public static byte[] write(Envelope envelope) {
        requireNonNull(envelope, "envelope");
        ObjectNode root = MAPPER.createObjectNode();
        root.put("specversion", envelope.specVersion());
        root.put("id", envelope.id());
        root.put("source", envelope.source().toString());
        root.put("type", envelope.type());
        envelope.time().ifPresent(t -> root.put("time", t.toString()));
        envelope.subject().ifPresent(s -> root.put("subject", s));
        envelope.dataContentType().ifPresent(ct -> root.put("datacontenttype", ct));
        envelope.dataSchema().ifPresent(s -> root.put("dataschema", s.toString()));
        for (Map.Entry<String, Object> ext : envelope.extensions().entrySet()) {
            Object v = ext.getValue();
            if (v instanceof Integer) {
                root.put(ext.getKey(), (Integer) v);
            } else if (v instanceof Boolean) {
                root.put(ext.getKey(), (Boolean) v);
            } else {
                root.put(ext.getKey(), v.toString());
            }
        }
        if (envelope.hasData()) {
            writeData(envelope, root);
        }
        try {
            return MAPPER.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new InvalidEnvelopeException("cannot write envelope " + envelope.id() + " as JSON", e);
        }
    }

    private static void writeData(Envelope envelope, ObjectNode root) {
        String contentType = envelope.dataContentType().orElse(null);
        byte[] data = envelope.data();
        if (isJson(contentType)) {
            try {
                root.set("data", MAPPER.readTree(data));
            } catch (IOException e) {
                throw new InvalidEnvelopeException("data: envelope " + envelope.id() + " declares "
                        + (contentType == null ? "no content type (so JSON)" : contentType)
                        + " but its data is not valid JSON", e);
            }
        } else if (contentType.toLowerCase(Locale.ROOT).startsWith("text/")) {
            root.put("data", new String(data, StandardCharsets.UTF_8));
        } else {
            root.put("data_base64", Base64.getEncoder().encodeToString(data));
        }
    }

    /**
     * Reads one CloudEvents JSON object.
     *
     * @param json UTF-8 JSON
     * @return the envelope
     * @throws InvalidEnvelopeException if the bytes are not a CloudEvents 1.0 JSON object; the message
     *     lists every problem
     */
    public static Envelope read(byte[] json) {
        requireNonNull(json, "json");
        JsonNode tree;
        try {
            tree = MAPPER.readTree(json);
        } catch (IOException e) {
            throw new InvalidEnvelopeException("not JSON: " + e.getMessage(), e);
        }
        if (tree == null || !tree.isObject()) {
            throw new InvalidEnvelopeException(List.of("a CloudEvent must be a JSON object, was "
                    + (tree == null ? "empty" : tree.getNodeType().toString().toLowerCase(Locale.ROOT))));
        }
        List<String> problems = new ArrayList<>();
        Envelope.Builder b = Envelope.builder().time(null);
        String specVersion = text(tree, "specversion", true, problems);
        if (specVersion != null && !Envelope.SPEC_VERSION.equals(specVersion)) {
            throw new InvalidEnvelopeException(List.of("specversion: only " + Envelope.SPEC_VERSION
                    + " is supported, was '" + specVersion + "'"));
        }
        String id = text(tree, "id", true, problems);
        if (id != null) {
            b.id(id);
        }
        String source = text(tree, "source", true, problems);
        if (source != null) {
            b.source(source);
        }
        String type = text(tree, "type", true, problems);
        if (type != null) {
            b.type(type);
        }
        String time = text(tree, "time", false, problems);
        if (time != null) {
            try {
                b.time(OffsetDateTime.parse(time).toInstant());
            } catch (DateTimeParseException e) {
                problems.add("time: '" + time + "' is not an RFC 3339 timestamp");
            }
        }
        b.subject(text(tree, "subject", false, problems));
        String dataSchema = text(tree, "dataschema", false, problems);
        if (dataSchema != null) {
            try {
                b.dataSchema(new URI(dataSchema));
            } catch (URISyntaxException e) {
                problems.add("dataschema: '" + dataSchema + "' is not a URI");
            }
        }
        String contentType = text(tree, "datacontenttype", false, problems);
        readData(tree, contentType, b, problems);
        for (Iterator<Map.Entry<String, JsonNode>> it = tree.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (!Envelope.RESERVED.contains(field.getKey())) {
                readExtension(field.getKey(), field.getValue(), b, problems);
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidEnvelopeException(problems);
        }
        return b.build();
    }

    private static void readData(JsonNode tree, @Nullable String contentType, Envelope.Builder b, List<String> problems) {
        JsonNode data = tree.get("data");
        JsonNode base64 = tree.get("data_base64");
        if (data != null && base64 != null) {
            problems.add("data, data_base64: only one of them may be present");
            return;
        }
        if (base64 != null) {
            if (!base64.isTextual()) {
                problems.add("data_base64: must be a string");
                return;
            }
            try {
                b.data(contentType == null ? "application/octet-stream" : contentType,
                        Base64.getDecoder().decode(base64.asText()));
                if (contentType == null) {
                    b.dataContentType(null);
                }
            } catch (IllegalArgumentException e) {
                problems.add("data_base64: not valid base64");
            }
        } else if (data != null) {
            byte[] bytes;
            if (isJson(contentType)) {
                bytes = data.toString().getBytes(StandardCharsets.UTF_8);
            } else if (data.isTextual()) {
                bytes = data.asText().getBytes(StandardCharsets.UTF_8);
            } else {
                problems.add("data: datacontenttype " + contentType + " is not JSON, so data must be a string");
                return;
            }
            b.data(contentType == null ? Envelope.JSON : contentType, bytes);
            b.dataContentType(contentType);
        } else {
            b.dataContentType(contentType);
        }
    }

    private static void readExtension(String name, JsonNode value, Envelope.Builder b, List<String> problems) {
        if (value.isTextual()) {
            b.extension(name, value.asText());
        } else if (value.isBoolean()) {
            b.extension(name, value.asBoolean());
        } else if (value.isInt()) {
            b.extension(name, value.asInt());
        } else if (value.getNodeType() != JsonNodeType.NULL) {
            problems.add("extension '" + name + "': must be a string, 32-bit integer or boolean, was "
                    + value.getNodeType().toString().toLowerCase(Locale.ROOT));
        }
    }

    private static @Nullable String text(JsonNode tree, String name, boolean required, List<String> problems) {
        JsonNode node = tree.get(name);
        if (node == null || node.isNull()) {
            if (required) {
                problems.add(name + ": required");
            }
            return null;
        }
        if (!node.isTextual()) {
            problems.add(name + ": must be a string, was " + node.getNodeType().toString().toLowerCase(Locale.ROOT));
            return null;
        }
        return node.asText();
    }

    static boolean isJson(@Nullable String contentType) {
        if (contentType == null) {
            return true;
        }
        String base = contentType.toLowerCase(Locale.ROOT);
        int semi = base.indexOf(';');
        if (semi >= 0) {
            base = base.substring(0, semi);
        }
        base = base.trim();
        return base.equals("application/json") || base.endsWith("+json") || base.equals("text/json");
    }

}
