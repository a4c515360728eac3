package dev.chassis.core.envelope;

import static java.util.Objects.requireNonNull;

import dev.chassis.core.json.JsonCodec;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * An event or command on its way between services: the CloudEvents 1.0 context attributes
 * ({@code id}, {@code source}, {@code type}, {@code specversion}, {@code time}, {@code subject},
 * {@code datacontenttype}, {@code dataschema}), the payload ({@code data}), and extensions, of which
 * the chassis defines {@code correlationid}, {@code causationid}, {@code traceparent} and
 * {@code tracestate}.
 *
 * <p>Envelopes are immutable; {@code with*} methods and {@link #toBuilder()} return changed copies.
 * Instances are thread-safe and may be shared freely.
 *
 * <pre>{@code
 * Envelope created = Envelope.builder()
 *         .type("user.created")
 *         .source("/user-service")
 *         .subject("u-42")
 *         .data(new UserCreated("u-42", "ada@example.com"))
 *         .build();
 * UserCreated payload = created.dataAs(UserCreated.class);
 * }</pre>
 *
 * <p>The builder fills in a random UUID {@code id}, the current {@code time} and
 * {@code specversion} {@code 1.0}; {@link #builder()}{@code .data(Object)} writes the value as JSON and
 * sets {@code datacontenttype} to {@code application/json}. {@link Builder#build()} checks the
 * CloudEvents rules and throws {@link InvalidEnvelopeException} listing every problem.
 */
public final class Envelope {
    /** The CloudEvents specification version this envelope follows. */
    public static final String SPEC_VERSION = "1.0";
    /** The content type {@link Builder#data(Object)} sets. */
    public static final String JSON = "application/json";

    /** Extension carrying the id shared by every message of one business flow. */
    public static final String CORRELATION_ID = "correlationid";
    /** Extension carrying the id of the message that caused this one. */
    public static final String CAUSATION_ID = "causationid";
    /** Extension carrying the W3C {@code traceparent} of the producer's span. */
    public static final String TRACEPARENT = "traceparent";
    /** Extension carrying the W3C {@code tracestate} of the producer's span. */
    public static final String TRACESTATE = "tracestate";

    /** Names that are context attributes or reserved by the JSON format, so never extensions. */
    static final Set<String> RESERVED = Set.of("id", "source", "type", "specversion", "time", "subject",
            "datacontenttype", "dataschema", "data", "data_base64");
    private static final Pattern EXTENSION_NAME = Pattern.compile("[a-z0-9]{1,20}");
    private static final Pattern MEDIA_TYPE =
            Pattern.compile("[A-Za-z0-9!#$&^_.+-]+/[A-Za-z0-9!#$&^_.+-]+(\\s*;.*)?");
    private static final byte[] NO_DATA = new byte[0];

    private final String id;
    private final URI source;
    private final String type;
    private final String specVersion;
    private final @Nullable Instant time;
    private final @Nullable String subject;
    private final @Nullable String dataContentType;
    private final @Nullable URI dataSchema;
    private final byte @Nullable [] data;
    private final Map<String, Object> extensions;

    private Envelope(Builder b, String id, URI source, @Nullable Instant time) {
        this.id = id;
        this.source = source;
        this.type = requireNonNull(b.type);
        this.specVersion = b.specVersion;
        this.time = time;
        this.subject = b.subject;
        this.dataContentType = b.dataContentType;
        this.dataSchema = b.dataSchema;
        this.data = b.data == null ? null : b.data.clone();
        this.extensions = Collections.unmodifiableMap(new TreeMap<>(b.extensions));
    }

    /**
     * A builder with a fresh random id and the system clock for {@code time}.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder(Clock.systemUTC());
    }

    /**
     * A builder taking {@code time} from the given clock when none is set.
     *
     * @param clock the clock for the default {@code time}
     * @return a new builder
     */
    public static Builder builder(Clock clock) {
        return new Builder(requireNonNull(clock, "clock"));
    }

    /** @return the event id, unique per {@code source} */
    public String id() {
        return id;
    }

    /** @return the URI reference of the producer, e.g. {@code /user-service} */
    public URI source() {
        return source;
    }

    /** @return the explicit type name, e.g. {@code user.created} */
    public String type() {
        return type;
    }

    /** @return the CloudEvents version, always {@value #SPEC_VERSION} */
    public String specVersion() {
        return specVersion;
    }

    /** @return when the occurrence happened, if known */
    public Optional<Instant> time() {
        return Optional.ofNullable(time);
    }

    /** @return the subject within the source, e.g. an aggregate id */
    public Optional<String> subject() {
        return Optional.ofNullable(subject);
    }

    /** @return the media type of {@link #data()}, e.g. {@code application/json} */
    public Optional<String> dataContentType() {
        return Optional.ofNullable(dataContentType);
    }

    /** @return the schema {@link #data()} adheres to */
    public Optional<URI> dataSchema() {
        return Optional.ofNullable(dataSchema);
    }

    /**
     * The payload bytes.
     *
     * @return a copy of the payload, empty if there is none
     */
    public byte[] data() {
        return data == null ? NO_DATA.clone() : data.clone();
    }

    /** @return whether the envelope carries a payload (possibly of zero bytes) */
    public boolean hasData() {
        return data != null;
    }

    /**
     * The payload read as JSON into the given type.
     *
     * @param type the payload type
     * @param <T> the payload type
     * @return the payload
     * @throws dev.chassis.core.json.JsonException if the payload is not JSON of that shape
     * @throws InvalidEnvelopeException if there is no payload
     */
    public <T> T dataAs(Class<T> type) {
        requireNonNull(type, "type");
        if (data == null) {
            throw new InvalidEnvelopeException(List.of("data: envelope " + id + " of type " + this.type
                    + " has no data to read as " + type.getSimpleName()));
        }
        return JsonCodec.defaults().read(data, type);
    }

    /** @return the payload decoded as UTF-8, empty if there is none */
    public String dataText() {
        return data == null ? "" : new String(data, StandardCharsets.UTF_8);
    }

    /** @return the {@value #CORRELATION_ID} extension */
    public Optional<String> correlationId() {
        return extensionString(CORRELATION_ID);
    }

    /** @return the {@value #CAUSATION_ID} extension */
    public Optional<String> causationId() {
        return extensionString(CAUSATION_ID);
    }

    /** @return the {@value #TRACEPARENT} extension */
    public Optional<String> traceparent() {
        return extensionString(TRACEPARENT);
    }

    /** @return the {@value #TRACESTATE} extension */
    public Optional<String> tracestate() {
        return extensionString(TRACESTATE);
    }

    /**
     * All extension attributes, including the chassis ones, sorted by name.
     *
     * @return an unmodifiable map of name to a {@code String}, {@code Integer} or {@code Boolean}
     */
    public Map<String, Object> extensions() {
        return extensions;
    }

    /**
     * One extension attribute.
     *
     * @param name the extension name
     * @return its value: a {@code String}, {@code Integer} or {@code Boolean}
     */
    public Optional<Object> extension(String name) {
        return Optional.ofNullable(extensions.get(name));
    }

    private Optional<String> extensionString(String name) {
        Object v = extensions.get(name);
        return v == null ? Optional.empty() : Optional.of(v.toString());
    }

    /** @return a builder holding this envelope's values */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /**
     * @param correlationId the new correlation id, or {@code null} to remove it
     * @return a copy with the {@value #CORRELATION_ID} extension changed
     */
    public Envelope withCorrelationId(@Nullable String correlationId) {
        return toBuilder().correlationId(correlationId).build();
    }

    /**
     * @param causationId the new causation id, or {@code null} to remove it
     * @return a copy with the {@value #CAUSATION_ID} extension changed
     */
    public Envelope withCausationId(@Nullable String causationId) {
        return toBuilder().causationId(causationId).build();
    }

    /**
     * @param traceparent the W3C traceparent, or {@code null} to remove it
     * @param tracestate the W3C tracestate, or {@code null} to remove it
     * @return a copy with the trace context extensions changed
     */
    public Envelope withTraceContext(@Nullable String traceparent, @Nullable String tracestate) {
        return toBuilder().traceparent(traceparent).tracestate(tracestate).build();
    }

    /**
     * @param subject the new subject, or {@code null} to remove it
     * @return a copy with {@code subject} changed
     */
    public Envelope withSubject(@Nullable String subject) {
        return toBuilder().subject(subject).build();
    }

    /**
     * @param name an extension name: 1–20 lower-case letters or digits
     * @param value a {@code String}, {@code Integer} or {@code Boolean}, or {@code null} to remove it
     * @return a copy with the extension changed
     */
    public Envelope withExtension(String name, @Nullable Object value) {
        return toBuilder().extension(name, value).build();
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Envelope)) {
            return false;
        }
        Envelope e = (Envelope) o;
        return id.equals(e.id) && source.equals(e.source) && type.equals(e.type)
                && specVersion.equals(e.specVersion) && Objects.equals(time, e.time)
                && Objects.equals(subject, e.subject) && Objects.equals(dataContentType, e.dataContentType)
                && Objects.equals(dataSchema, e.dataSchema) && Arrays.equals(data, e.data)
                && extensions.equals(e.extensions);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, source, type, time, subject, extensions) * 31 + Arrays.hashCode(data);
    }

    /** @return the attributes without the payload, for logs */
    @Override
    public String toString() {
        return "Envelope{id=" + id + ", type=" + type + ", source=" + source
                + (subject == null ? "" : ", subject=" + subject)
                + (time == null ? "" : ", time=" + time)
                + (data == null ? "" : ", data=" + data.length + " bytes " + dataContentType)
                + (extensions.isEmpty() ? "" : ", extensions=" + extensions.keySet()) + "}";
    }

    /**
     * Builds an {@link Envelope}. Builders are not thread-safe; {@link #build()} copies, so one builder
     * can make many envelopes.
     */
    public static final class Builder {
        private final @Nullable Clock clock;
        private @Nullable String id;
        private @Nullable URI source;
        private @Nullable String rawSource;
        private @Nullable String type;
        private String specVersion = SPEC_VERSION;
        private @Nullable Instant time;
        private boolean timeSet;
        private @Nullable String subject;
        private @Nullable String dataContentType;
        private @Nullable URI dataSchema;
        private byte @Nullable [] data;
        private final Map<String, Object> extensions = new LinkedHashMap<>();

        private Builder(Clock clock) {
            this.clock = clock;
        }

        private Builder(Envelope e) {
            this.clock = null;
            this.id = e.id;
            this.source = e.source;
            this.type = e.type;
            this.specVersion = e.specVersion;
            this.time = e.time;
            this.timeSet = true;
            this.subject = e.subject;
            this.dataContentType = e.dataContentType;
            this.dataSchema = e.dataSchema;
            this.data = e.data;
            this.extensions.putAll(e.extensions);
        }

        /**
         * @param id a non-empty id, unique per source; defaults to a random UUID
         * @return this builder
         */
        public Builder id(String id) {
            this.id = requireNonNull(id, "id");
            return this;
        }

        /**
         * @param source a URI reference naming the producer, e.g. {@code /user-service}
         * @return this builder
         */
        public Builder source(URI source) {
            this.source = requireNonNull(source, "source");
            this.rawSource = null;
            return this;
        }

        /**
         * @param source a URI reference naming the producer, e.g. {@code /user-service}; checked by {@link #build()}
         * @return this builder
         */
        public Builder source(String source) {
            this.rawSource = requireNonNull(source, "source");
            this.source = null;
            return this;
        }

        /**
         * @param type an explicit type name such as {@code user.created}; never derive it from a class name
         * @return this builder
         */
        public Builder type(String type) {
            this.type = requireNonNull(type, "type");
            return this;
        }

        /**
         * @param specVersion the CloudEvents version; only {@value Envelope#SPEC_VERSION} is accepted
         * @return this builder
         */
        public Builder specVersion(String specVersion) {
            this.specVersion = requireNonNull(specVersion, "specVersion");
            return this;
        }

        /**
         * @param time when the occurrence happened, or {@code null} for none; defaults to the clock's now
         * @return this builder
         */
        public Builder time(@Nullable Instant time) {
            this.time = time;
            this.timeSet = true;
            return this;
        }

        /**
         * @param subject the subject within the source, or {@code null}
         * @return this builder
         */
        public Builder subject(@Nullable String subject) {
            this.subject = subject;
            return this;
        }

        /**
         * @param dataSchema the schema of the payload, or {@code null}
         * @return this builder
         */
        public Builder dataSchema(@Nullable URI dataSchema) {
            this.dataSchema = dataSchema;
            return this;
        }

        /**
         * Sets the payload to a value written as JSON and {@code datacontenttype} to
         * {@code application/json}.
         *
         * @param value the payload, e.g. a record
         * @return this builder
         * @throws dev.chassis.core.json.JsonException if the value has no JSON form
         */
        public Builder data(Object value) {
            requireNonNull(value, "value");
            this.data = JsonCodec.defaults().write(value);
            this.dataContentType = JSON;
            return this;
        }

        /**
         * Sets the payload to raw bytes of the given media type.
         *
         * @param contentType the media type, e.g. {@code application/json} or {@code text/plain}
         * @param bytes the payload; copied
         * @return this builder
         */
        public Builder data(String contentType, byte[] bytes) {
            this.dataContentType = requireNonNull(contentType, "contentType");
            this.data = requireNonNull(bytes, "bytes").clone();
            return this;
        }

        /**
         * Removes the payload and its content type.
         *
         * @return this builder
         */
        public Builder noData() {
            this.data = null;
            this.dataContentType = null;
            return this;
        }

        /**
         * @param dataContentType the media type of the payload, or {@code null}
         * @return this builder
         */
        public Builder dataContentType(@Nullable String dataContentType) {
            this.dataContentType = dataContentType;
            return this;
        }

        /**
         * @param correlationId the correlation id, or {@code null} to remove it
         * @return this builder
         */
        public Builder correlationId(@Nullable String correlationId) {
            return extension(CORRELATION_ID, correlationId);
        }

        /**
         * @param causationId the id of the causing message, or {@code null} to remove it
         * @return this builder
         */
        public Builder causationId(@Nullable String causationId) {
            return extension(CAUSATION_ID, causationId);
        }

        /**
         * @param traceparent the W3C traceparent, or {@code null} to remove it
         * @return this builder
         */
        public Builder traceparent(@Nullable String traceparent) {
            return extension(TRACEPARENT, traceparent);
        }

        /**
         * @param tracestate the W3C tracestate, or {@code null} to remove it
         * @return this builder
         */
        public Builder tracestate(@Nullable String tracestate) {
            return extension(TRACESTATE, tracestate);
        }

        /**
         * Sets or removes an extension attribute; the name is checked by {@link #build()}.
         *
         * @param name 1–20 lower-case ASCII letters or digits, not a context attribute name
         * @param value a {@code String}, {@code Integer} or {@code Boolean}; {@code null} removes it
         * @return this builder
         */
        public Builder extension(String name, @Nullable Object value) {
            requireNonNull(name, "name");
            if (value == null) {
                extensions.remove(name);
            } else {
                extensions.put(name, value);
            }
            return this;
        }

        /**
         * Checks the CloudEvents rules and makes the envelope.
         *
         * @return the envelope
         * @throws InvalidEnvelopeException listing every broken rule, each naming the attribute
         */
        public Envelope build() {
            List<String> problems = new ArrayList<>();
            String effectiveId = id == null ? UUID.randomUUID().toString() : id;
            if (effectiveId.isEmpty()) {
                problems.add("id: must be a non-empty string");
            }
            URI effectiveSource = source;
            if (rawSource != null) {
                try {
                    effectiveSource = new URI(rawSource);
                } catch (URISyntaxException e) {
                    problems.add("source: '" + rawSource + "' is not a URI reference (" + e.getReason() + ")");
                }
            }
            if (effectiveSource == null && rawSource == null) {
                problems.add("source: required, a URI reference naming the producer such as /user-service");
            } else if (effectiveSource != null && effectiveSource.toString().isEmpty()) {
                problems.add("source: must be a non-empty URI reference");
            }
            if (type == null || type.isEmpty()) {
                problems.add("type: required, an explicit name such as user.created");
            }
            if (!SPEC_VERSION.equals(specVersion)) {
                problems.add("specversion: only " + SPEC_VERSION + " is supported, was '" + specVersion + "'");
            }
            Instant effectiveTime = timeSet || clock == null ? time : clock.instant();
            if (subject != null && subject.isEmpty()) {
                problems.add("subject: must be non-empty when present");
            }
            if (dataContentType != null && !MEDIA_TYPE.matcher(dataContentType).matches()) {
                problems.add("datacontenttype: '" + dataContentType + "' is not a media type such as application/json");
            }
            for (Map.Entry<String, Object> ext : extensions.entrySet()) {
                checkExtension(ext.getKey(), ext.getValue(), problems);
            }
            if (!problems.isEmpty()) {
                throw new InvalidEnvelopeException(problems);
            }
            return new Envelope(this, effectiveId, requireNonNull(effectiveSource), effectiveTime);
        }

        private static void checkExtension(String name, Object value, List<String> problems) {
            if (RESERVED.contains(name)) {
                problems.add("extension '" + name + "': is a context attribute name, not an extension");
            } else if (!EXTENSION_NAME.matcher(name).matches()) {
                problems.add("extension '" + printable(name)
                        + "': names must be 1-20 lower-case ASCII letters or digits");
            }
            if (!(value instanceof String || value instanceof Integer || value instanceof Boolean)) {
                problems.add("extension '" + printable(name) + "': value must be a String, Integer or Boolean, was "
                        + value.getClass().getName());
            }
        }

        private static String printable(String s) {
            StringBuilder out = new StringBuilder();
            for (int i = 0; i < s.length() && i < 40; i++) {
                char c = s.charAt(i);
                out.append(c >= 0x20 && c < 0x7f ? c : '?');
            }
            return s.length() > 40 ? out + "..." : out.toString();
        }
    }
}
