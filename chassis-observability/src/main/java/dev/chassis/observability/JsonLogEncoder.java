package dev.chassis.observability;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.encoder.EncoderBase;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A Logback encoder writing each event as one JSON object on one line, with flat fields:
 *
 * <pre>{@code
 * {"timestamp":"2026-01-02T10:15:30.123Z","level":"INFO","logger":"orders.Api","thread":"http-1",
 *  "message":"order placed","service":"orders","correlationId":"3f1c...","causationId":null,
 *  "traceId":"4bf9...","spanId":"00f0...","orderId":"42",
 *  "exception.type":"...","exception.message":"...","exception.stacktrace":"..."}
 * }</pre>
 *
 * <p>{@code correlationId}, {@code causationId}, {@code traceId} and {@code spanId} come from the MDC
 * that {@link CorrelationMdc} fills and are always present ({@code null} outside a scope or span);
 * other MDC entries follow as fields of their own; the {@code exception.*} fields (OpenTelemetry
 * names) only when an exception was logged. Every string is JSON-escaped, control characters
 * included, so a CR/LF or ANSI escape in a message or MDC value cannot start a new line or reach a
 * terminal raw.
 *
 * <p>Logback's own {@code JsonEncoder} was not used: it nests the MDC under {@code "mdc"}, has no
 * service field and writes the stack trace as nested objects, while log pipelines query flat fields.
 *
 * <p>The service name is the {@code service} property, else {@code OTEL_SERVICE_NAME}, else
 * {@value Telemetry#DEFAULT_SERVICE_NAME}. Instances are configured once, then used by one appender,
 * which serialises calls.
 */
public final class JsonLogEncoder extends EncoderBase<ILoggingEvent> {
    private static final Set<String> RESERVED = Set.of("timestamp", "level", "logger", "thread", "message",
            "service", CorrelationMdc.CORRELATION_ID, CorrelationMdc.CAUSATION_ID, CorrelationMdc.TRACE_ID,
            CorrelationMdc.SPAN_ID, "exception.type", "exception.message", "exception.stacktrace");
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private @Nullable String service;

    /** Creates an encoder; Logback calls this when it reads the encoder from {@code logback.xml}. */
    public JsonLogEncoder() {}

    /**
     * Sets the service name written in every line ({@code <service>orders</service>} in XML).
     *
     * @param service the service name
     */
    public void setService(String service) {
        this.service = service;
    }

    /**
     * The service name written in every line.
     *
     * @return the configured name, else {@code OTEL_SERVICE_NAME}, else the default
     */
    public String getService() {
        if (service != null) {
            return service;
        }
        String env = System.getenv("OTEL_SERVICE_NAME");
        return env == null || env.isBlank() ? Telemetry.DEFAULT_SERVICE_NAME : env;
    }

    @Override
    public void start() {
        service = getService();
        super.start();
    }

    @Override
    public byte @Nullable [] headerBytes() {
        return null;
    }

    @Override
    public byte @Nullable [] footerBytes() {
        return null;
    }

    @Override
    public byte[] encode(ILoggingEvent event) {
        StringBuilder json = new StringBuilder(256);
        Map<String, String> mdc = event.getMDCPropertyMap();
        json.append('{');
        field(json, "timestamp", Instant.ofEpochMilli(event.getTimeStamp()).toString(), true);
        field(json, "level", event.getLevel().toString(), false);
        field(json, "logger", event.getLoggerName(), false);
        field(json, "thread", event.getThreadName(), false);
        field(json, "message", event.getFormattedMessage(), false);
        field(json, "service", getService(), false);
        field(json, CorrelationMdc.CORRELATION_ID, mdc.get(CorrelationMdc.CORRELATION_ID), false);
        field(json, CorrelationMdc.CAUSATION_ID, mdc.get(CorrelationMdc.CAUSATION_ID), false);
        field(json, CorrelationMdc.TRACE_ID, mdc.get(CorrelationMdc.TRACE_ID), false);
        field(json, CorrelationMdc.SPAN_ID, mdc.get(CorrelationMdc.SPAN_ID), false);
        for (Map.Entry<String, String> entry : mdc.entrySet()) {
            if (!RESERVED.contains(entry.getKey())) {
                field(json, entry.getKey(), entry.getValue(), false);
            }
        }
        IThrowableProxy thrown = event.getThrowableProxy();
        if (thrown != null) {
            field(json, "exception.type", thrown.getClassName(), false);
            field(json, "exception.message", thrown.getMessage(), false);
            field(json, "exception.stacktrace", ThrowableProxyUtil.asString(thrown), false);
        }
        json.append("}\n");
        return json.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void field(StringBuilder json, String key, @Nullable String value, boolean first) {
        if (!first) {
            json.append(',');
        }
        string(json, key);
        json.append(':');
        if (value == null) {
            json.append("null");
        } else {
            string(json, value);
        }
    }

    /** Writes a JSON string; every control character, DEL and the line separators are escaped. */
    static void string(StringBuilder json, String value) {
        json.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                case '\n' -> json.append("\\n");
                case '\r' -> json.append("\\r");
                case '\t' -> json.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f || c == '\u2028' || c == '\u2029'
                            || (Character.isSurrogate(c) && !validPair(value, i))) {
                        json.append("\\u").append(HEX[(c >> 12) & 0xf]).append(HEX[(c >> 8) & 0xf])
                                .append(HEX[(c >> 4) & 0xf]).append(HEX[c & 0xf]);
                    } else {
                        json.append(c);
                    }
                }
            }
        }
        json.append('"');
    }

    private static boolean validPair(String s, int i) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
        }
        return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
    }
}
