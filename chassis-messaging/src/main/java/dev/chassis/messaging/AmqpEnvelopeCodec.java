package dev.chassis.messaging;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.LongString;
import dev.chassis.core.NonRetryableException;
import dev.chassis.core.bus.Headers;
import dev.chassis.core.envelope.CloudEventJson;
import dev.chassis.core.envelope.Envelope;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Maps envelopes to AMQP 0-9-1 messages in the CloudEvents binary content mode and back.
 *
 * <p>The body is the envelope's data; {@code message_id}, {@code type}, {@code timestamp},
 * {@code content_type}, {@code correlation_id} and {@code app_id} carry the matching attributes, and
 * every attribute except {@code datacontenttype} (which is the content type) is also a
 * {@code cloudEvents_<name>} header, as the CloudEvents AMQP binding asks. Decoding reads the headers
 * (also the older {@code cloudEvents:} prefix) and falls back to the properties; a message with the
 * structured content type {@value CloudEventJson#CONTENT_TYPE} is read as structured JSON. Stateless.
 */
final class AmqpEnvelopeCodec {
    static final String PREFIX = "cloudEvents_";
    private static final String OLD_PREFIX = "cloudEvents:";
    /** Set when the envelope has no data at all, to tell it from zero bytes of data. */
    static final String NO_DATA = "x-chassis-no-data";

    private AmqpEnvelopeCodec() {
    }

    static AMQP.BasicProperties encode(Envelope e, String topic, int attempt) {
        Map<String, Object> headers = new HashMap<>();
        headers.put(PREFIX + "id", e.id());
        headers.put(PREFIX + "source", e.source().toString());
        headers.put(PREFIX + "specversion", e.specVersion());
        headers.put(PREFIX + "type", e.type());
        e.time().ifPresent(t -> headers.put(PREFIX + "time", t.toString()));
        e.subject().ifPresent(s -> headers.put(PREFIX + "subject", s));
        e.dataSchema().ifPresent(s -> headers.put(PREFIX + "dataschema", s.toString()));
        for (Map.Entry<String, Object> ext : e.extensions().entrySet()) {
            headers.put(PREFIX + ext.getKey(), ext.getValue());
        }
        if (!e.hasData()) {
            headers.put(NO_DATA, Boolean.TRUE);
        }
        headers.put(Headers.TOPIC, topic);
        headers.put(Headers.ATTEMPT, attempt);
        return new AMQP.BasicProperties.Builder()
                .deliveryMode(2)
                .messageId(e.id())
                .type(e.type())
                // AMQP 0-9-1 timestamps have whole seconds; cloudEvents_time keeps the exact instant
                .timestamp(e.time().map(t -> Date.from(t.truncatedTo(ChronoUnit.SECONDS))).orElse(null))
                .contentType(e.dataContentType().orElse(null))
                .correlationId(e.correlationId().orElse(null))
                .appId(e.source().toString())
                .headers(headers)
                .build();
    }

    /**
     * Rebuilds the envelope.
     *
     * @throws NonRetryableException (or {@code InvalidEnvelopeException}) if the message is no envelope
     */
    static Envelope decode(AMQP.BasicProperties props, byte[] body) {
        String contentType = props.getContentType();
        if (contentType != null && contentType.startsWith(CloudEventJson.CONTENT_TYPE)) {
            return CloudEventJson.read(body);
        }
        Map<String, Object> headers = props.getHeaders() == null ? Map.of() : props.getHeaders();
        Map<String, Object> attributes = new HashMap<>();
        for (Map.Entry<String, Object> h : headers.entrySet()) {
            String name = h.getKey();
            if (name.startsWith(PREFIX)) {
                attributes.put(name.substring(PREFIX.length()), h.getValue());
            } else if (name.startsWith(OLD_PREFIX)) {
                attributes.putIfAbsent(name.substring(OLD_PREFIX.length()), h.getValue());
            }
        }
        String id = string(attributes.remove("id"), props.getMessageId());
        String source = string(attributes.remove("source"), props.getAppId());
        String type = string(attributes.remove("type"), props.getType());
        String specVersion = string(attributes.remove("specversion"), null);
        if (id == null || source == null || type == null || specVersion == null) {
            throw new NonRetryableException("message " + props.getMessageId() + " is not a CloudEvent in binary mode: "
                    + "it lacks " + (id == null ? "cloudEvents_id " : "") + (source == null ? "cloudEvents_source " : "")
                    + (type == null ? "cloudEvents_type " : "") + (specVersion == null ? "cloudEvents_specversion" : ""));
        }
        Envelope.Builder b = Envelope.builder().id(id).source(source).type(type).specVersion(specVersion);
        Object time = attributes.remove("time");
        b.time(time == null ? (props.getTimestamp() == null ? null : props.getTimestamp().toInstant()) : instant(time));
        String subject = string(attributes.remove("subject"), null);
        b.subject(subject);
        String schema = string(attributes.remove("dataschema"), null);
        b.dataSchema(schema == null ? null : uri(schema));
        attributes.remove("datacontenttype");
        for (Map.Entry<String, Object> ext : attributes.entrySet()) {
            b.extension(ext.getKey(), extensionValue(ext.getKey(), ext.getValue()));
        }
        boolean noData = Boolean.TRUE.equals(headers.get(NO_DATA));
        if (noData) {
            b.noData();
            b.dataContentType(contentType);
        } else if (contentType == null) {
            b.data("application/octet-stream", body).dataContentType(null);
        } else {
            b.data(contentType, body);
        }
        return b.build();
    }

    private static @Nullable String string(@Nullable Object value, @Nullable String fallback) {
        if (value == null) {
            return fallback;
        }
        return value instanceof LongString || value instanceof String ? value.toString() : String.valueOf(value);
    }

    private static Instant instant(Object value) {
        if (value instanceof Date) {
            return ((Date) value).toInstant();
        }
        try {
            return Instant.parse(value.toString());
        } catch (DateTimeParseException ex) {
            throw new NonRetryableException("cloudEvents_time '" + value + "' is not an RFC 3339 timestamp", ex);
        }
    }

    private static URI uri(String value) {
        try {
            return new URI(value);
        } catch (URISyntaxException ex) {
            throw new NonRetryableException("cloudEvents_dataschema '" + value + "' is not a URI", ex);
        }
    }

    private static Object extensionValue(String name, Object value) {
        if (value instanceof Boolean || value instanceof Integer) {
            return value;
        }
        if (value instanceof Long || value instanceof Short || value instanceof Byte) {
            long l = ((Number) value).longValue();
            if (l >= Integer.MIN_VALUE && l <= Integer.MAX_VALUE) {
                return (int) l;
            }
            throw new NonRetryableException("cloudEvents_" + name + " = " + l + " is outside the CloudEvents Integer range");
        }
        if (value instanceof LongString || value instanceof String) {
            return value.toString();
        }
        throw new NonRetryableException("cloudEvents_" + name + " has unsupported type " + value.getClass().getSimpleName());
    }
}
