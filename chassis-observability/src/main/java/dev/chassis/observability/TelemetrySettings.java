package dev.chassis.observability;

import dev.chassis.core.NonRetryableException;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.exporter.logging.LoggingMetricExporter;
import io.opentelemetry.exporter.logging.LoggingSpanExporter;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporterBuilder;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporterBuilder;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.metrics.export.MetricReader;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReaderBuilder;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Reads the standard {@code OTEL_*} variables that {@link Telemetry} supports from an env-like map. */
final class TelemetrySettings {
    static final String DEFAULT_OTLP_ENDPOINT = "http://localhost:4318";

    private final Map<String, String> env;

    TelemetrySettings(Map<String, String> env) {
        this.env = env;
    }

    private @Nullable String get(String key) {
        String value = env.get(key);
        return value == null || value.isBlank() ? null : value.strip();
    }

    boolean disabled() {
        return "true".equalsIgnoreCase(get("OTEL_SDK_DISABLED"));
    }

    @Nullable String serviceName() {
        return get("OTEL_SERVICE_NAME");
    }

    Attributes resourceAttributes() {
        AttributesBuilder attributes = Attributes.builder();
        pairs(get("OTEL_RESOURCE_ATTRIBUTES"), "OTEL_RESOURCE_ATTRIBUTES").forEach(attributes::put);
        return attributes.build();
    }

    /** {@code key=value,key=value} with percent-decoded values, in order; empty for {@code null}. */
    private static Map<String, String> pairs(@Nullable String raw, String variable) {
        Map<String, String> parsed = new LinkedHashMap<>();
        if (raw == null) {
            return parsed;
        }
        for (String pair : raw.split(",")) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw invalid(variable, "a comma-separated list of key=value pairs");
            }
            parsed.put(pair.substring(0, eq).strip(),
                    URLDecoder.decode(pair.substring(eq + 1).strip(), StandardCharsets.UTF_8));
        }
        return parsed;
    }

    List<SpanExporter> exporters() {
        String raw = get("OTEL_TRACES_EXPORTER");
        List<SpanExporter> exporters = new ArrayList<>();
        for (String name : (raw == null ? "otlp" : raw).split(",")) {
            switch (name.strip().toLowerCase(Locale.ROOT)) {
                case "otlp" -> exporters.add(otlp());
                case "logging", "console" -> exporters.add(LoggingSpanExporter.create());
                case "none" -> { }
                default -> throw invalid("OTEL_TRACES_EXPORTER", "otlp, logging, console or none");
            }
        }
        return exporters;
    }

    private SpanExporter otlp() {
        OtlpHttpSpanExporterBuilder otlp = OtlpHttpSpanExporter.builder().setEndpoint(otlpTracesEndpoint());
        otlpHeaders("TRACES").forEach(otlp::addHeader);
        Duration timeout = otlpTimeout("TRACES");
        if (timeout != null) {
            otlp.setTimeout(timeout);
        }
        return otlp.build();
    }

    /**
     * The metric readers of {@code OTEL_METRICS_EXPORTER}: {@code prometheus} (the default: a pull
     * reader behind the {@code /metrics} admin route), {@code otlp} (pushed every
     * {@code OTEL_METRIC_EXPORT_INTERVAL}), {@code logging}/{@code console}, {@code none}.
     *
     * @param prometheus the pull reader to use where {@code prometheus} is asked for
     */
    List<MetricReader> metricReaders(PrometheusReader prometheus) {
        String raw = get("OTEL_METRICS_EXPORTER");
        List<MetricReader> readers = new ArrayList<>();
        for (String name : (raw == null ? "prometheus" : raw).split(",")) {
            switch (name.strip().toLowerCase(Locale.ROOT)) {
                case "prometheus" -> readers.add(prometheus);
                case "otlp" -> readers.add(periodic(otlpMetrics()));
                case "logging", "console" -> readers.add(periodic(LoggingMetricExporter.create()));
                case "none" -> { }
                default -> throw invalid("OTEL_METRICS_EXPORTER", "prometheus, otlp, logging, console or none");
            }
        }
        return readers;
    }

    private MetricReader periodic(MetricExporter exporter) {
        PeriodicMetricReaderBuilder reader = PeriodicMetricReader.builder(exporter);
        Duration interval = millis("OTEL_METRIC_EXPORT_INTERVAL");
        if (interval != null) {
            reader.setInterval(interval.isZero() ? Duration.ofMillis(1) : interval);
        }
        return reader.build();
    }

    private MetricExporter otlpMetrics() {
        OtlpHttpMetricExporterBuilder otlp = OtlpHttpMetricExporter.builder().setEndpoint(otlpMetricsEndpoint());
        otlpHeaders("METRICS").forEach(otlp::addHeader);
        Duration timeout = otlpTimeout("METRICS");
        if (timeout != null) {
            otlp.setTimeout(timeout);
        }
        return otlp.build();
    }

    /** The traces endpoint: the signal-specific variable as given, or the base endpoint plus {@code /v1/traces}. */
    String otlpTracesEndpoint() {
        return otlpEndpoint("TRACES", "/v1/traces");
    }

    /** The metrics endpoint: the signal-specific variable as given, or the base endpoint plus {@code /v1/metrics}. */
    String otlpMetricsEndpoint() {
        return otlpEndpoint("METRICS", "/v1/metrics");
    }

    private String otlpEndpoint(String signal, String path) {
        checkOtlpProtocol(signal);
        String specific = get("OTEL_EXPORTER_OTLP_" + signal + "_ENDPOINT");
        if (specific != null) {
            return specific;
        }
        String base = get("OTEL_EXPORTER_OTLP_ENDPOINT");
        base = base == null ? DEFAULT_OTLP_ENDPOINT : base;
        return (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + path;
    }

    private void checkOtlpProtocol(String signal) {
        String protocol = signalOrGeneral(signal, "PROTOCOL");
        if (protocol != null && !protocol.equals("http/protobuf")) {
            throw invalid("OTEL_EXPORTER_OTLP_PROTOCOL",
                    "http/protobuf (the only protocol supported; collectors and Jaeger accept it on port 4318)");
        }
    }

    /** The headers of the signal's variable, else of the general one, percent-decoded. */
    Map<String, String> otlpHeaders(String signal) {
        return pairs(signalOrGeneral(signal, "HEADERS"), "OTEL_EXPORTER_OTLP_HEADERS");
    }

    private @Nullable Duration otlpTimeout(String signal) {
        String key = "OTEL_EXPORTER_OTLP_" + signal + "_TIMEOUT";
        return millis(get(key) != null ? key : "OTEL_EXPORTER_OTLP_TIMEOUT");
    }

    private @Nullable String signalOrGeneral(String signal, String setting) {
        String specific = get("OTEL_EXPORTER_OTLP_" + signal + "_" + setting);
        return specific != null ? specific : get("OTEL_EXPORTER_OTLP_" + setting);
    }

    Sampler sampler() {
        String name = get("OTEL_TRACES_SAMPLER");
        String arg = get("OTEL_TRACES_SAMPLER_ARG");
        switch (name == null ? "parentbased_always_on" : name.toLowerCase(Locale.ROOT)) {
            case "always_on": return Sampler.alwaysOn();
            case "always_off": return Sampler.alwaysOff();
            case "traceidratio": return Sampler.traceIdRatioBased(ratio(arg));
            case "parentbased_always_on": return Sampler.parentBased(Sampler.alwaysOn());
            case "parentbased_always_off": return Sampler.parentBased(Sampler.alwaysOff());
            case "parentbased_traceidratio": return Sampler.parentBased(Sampler.traceIdRatioBased(ratio(arg)));
            default: throw invalid("OTEL_TRACES_SAMPLER", "always_on, always_off, traceidratio, "
                    + "parentbased_always_on, parentbased_always_off or parentbased_traceidratio");
        }
    }

    private static double ratio(@Nullable String arg) {
        if (arg == null) {
            return 1.0;
        }
        try {
            double ratio = Double.parseDouble(arg);
            if (ratio >= 0 && ratio <= 1) {
                return ratio;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw invalid("OTEL_TRACES_SAMPLER_ARG", "a ratio between 0.0 and 1.0");
    }

    List<String> propagators() {
        String raw = get("OTEL_PROPAGATORS");
        List<String> names = new ArrayList<>();
        for (String name : (raw == null ? "tracecontext,baggage" : raw).split(",")) {
            String n = name.strip().toLowerCase(Locale.ROOT);
            if (!n.equals("tracecontext") && !n.equals("baggage") && !n.equals("none")) {
                throw invalid("OTEL_PROPAGATORS", "tracecontext, baggage or none");
            }
            names.add(n);
        }
        return names;
    }

    @Nullable Duration millis(String key) {
        String raw = get(key);
        if (raw == null) {
            return null;
        }
        try {
            long ms = Long.parseLong(raw);
            if (ms >= 0) {
                return Duration.ofMillis(ms);
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw invalid(key, "a number of milliseconds");
    }

    @Nullable Integer positive(String key) {
        String raw = get(key);
        if (raw == null) {
            return null;
        }
        try {
            int n = Integer.parseInt(raw);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw invalid(key, "a positive whole number");
    }

    private static NonRetryableException invalid(String key, String expected) {
        return new NonRetryableException("invalid telemetry setting " + key + "; set it to " + expected);
    }
}
