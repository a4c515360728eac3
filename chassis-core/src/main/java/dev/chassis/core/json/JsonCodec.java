package dev.chassis.core.json;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.lang.reflect.Type;

/**
 * Reads and writes JSON for events, commands, saga data and admin responses.
 *
 * <p>The {@linkplain #defaults() defaults} suit messages that evolve: {@code java.time} values as
 * ISO-8601 strings, unknown properties ignored on read (a producer may add fields before its
 * consumers learn them), records and plain classes with public accessors supported. Instances are
 * immutable, thread-safe and intended to be shared.
 *
 * <pre>{@code
 * JsonCodec json = JsonCodec.defaults();
 * byte[] bytes = json.write(new UserCreated("u-1", "ada@example.com"));
 * UserCreated back = json.read(bytes, UserCreated.class);
 * }</pre>
 */
public final class JsonCodec {
    private static final JsonCodec DEFAULTS = new JsonCodec(JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
            .build());

    private final ObjectMapper mapper;

    private JsonCodec(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /**
     * The shared codec with the chassis defaults.
     *
     * @return a thread-safe codec
     */
    public static JsonCodec defaults() {
        return DEFAULTS;
    }

    /**
     * Writes a value as UTF-8 JSON.
     *
     * @param value a record, bean, map, list, string, number or boolean
     * @return the JSON bytes
     * @throws JsonException if the value has no JSON form
     */
    public byte[] write(Object value) {
        requireNonNull(value, "value");
        try {
            return mapper.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new JsonException("cannot write " + value.getClass().getName() + " as JSON: "
                    + e.getOriginalMessage(), e);
        }
    }

    /**
     * Writes a value as a JSON string.
     *
     * @param value a record, bean, map, list, string, number or boolean
     * @return the JSON text
     * @throws JsonException if the value has no JSON form
     */
    public String writeString(Object value) {
        requireNonNull(value, "value");
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new JsonException("cannot write " + value.getClass().getName() + " as JSON: "
                    + e.getOriginalMessage(), e);
        }
    }

    /**
     * Reads UTF-8 JSON into a value of the given type.
     *
     * @param json the JSON bytes
     * @param type the target type
     * @param <T> the target type
     * @return the value
     * @throws JsonException if the bytes are not JSON of that shape; the message names the location
     */
    public <T> T read(byte[] json, Class<T> type) {
        return read(json, (Type) type);
    }

    /**
     * Reads UTF-8 JSON into a value of the given (possibly generic) type.
     *
     * @param json the JSON bytes
     * @param type the target type, e.g. from a {@link java.lang.reflect.ParameterizedType}
     * @param <T> the target type
     * @return the value
     * @throws JsonException if the bytes are not JSON of that shape; the message names the location
     */
    public <T> T read(byte[] json, Type type) {
        requireNonNull(json, "json");
        requireNonNull(type, "type");
        try {
            T value = mapper.readValue(json, mapper.constructType(type));
            if (value == null) {
                throw new JsonException("expected a " + type.getTypeName() + " but the JSON is null", null);
            }
            return value;
        } catch (JsonProcessingException e) {
            throw new JsonException("cannot read " + type.getTypeName() + " from JSON: "
                    + e.getOriginalMessage() + location(e), e);
        } catch (IOException e) {
            throw new JsonException("cannot read " + type.getTypeName() + " from JSON: " + e.getMessage(), e);
        }
    }

    /**
     * Reads a JSON string into a value of the given type.
     *
     * @param json the JSON text
     * @param type the target type
     * @param <T> the target type
     * @return the value
     * @throws JsonException if the text is not JSON of that shape; the message names the location
     */
    public <T> T read(String json, Class<T> type) {
        requireNonNull(json, "json");
        return read(json.getBytes(java.nio.charset.StandardCharsets.UTF_8), type);
    }

    /**
     * Converts a value to another type through its JSON form, e.g. a {@code Map} into a record.
     *
     * @param value the source value
     * @param type the target type
     * @param <T> the target type
     * @return the converted value
     * @throws JsonException if the value does not fit the target type
     */
    public <T> T convert(Object value, Class<T> type) {
        requireNonNull(value, "value");
        requireNonNull(type, "type");
        try {
            return mapper.convertValue(value, type);
        } catch (IllegalArgumentException e) {
            throw new JsonException("cannot convert " + value.getClass().getName() + " to "
                    + type.getName() + ": " + e.getMessage(), e);
        }
    }

    private static String location(JsonProcessingException e) {
        var loc = e.getLocation();
        if (loc == null) {
            return "";
        }
        return " (line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ")";
    }
}
