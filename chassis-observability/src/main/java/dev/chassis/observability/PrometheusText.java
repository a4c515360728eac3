package dev.chassis.observability;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.metrics.data.DoublePointData;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.MetricDataType;
import io.opentelemetry.sdk.metrics.data.PointData;
import io.opentelemetry.sdk.metrics.data.SummaryPointData;
import io.opentelemetry.sdk.metrics.data.ValueAtQuantile;
import io.opentelemetry.sdk.resources.Resource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Writes OpenTelemetry metric data in the Prometheus text exposition format 0.0.4, following the
 * OpenTelemetry-to-Prometheus compatibility rules: names and label keys with invalid characters
 * replaced by {@code _}, the unit as a suffix ({@code s} becomes {@code _seconds}, annotations such
 * as {@code {message}} are dropped), monotonic sums as counters with {@code _total}, histograms as
 * {@code _bucket}/{@code _sum}/{@code _count}, the instrumentation scope as {@code otel_scope_name}
 * and {@code otel_scope_version} labels, and the resource as a {@code target_info} gauge.
 * Exponential histograms are left out (the SDK's default aggregation makes none). Stateless.
 */
final class PrometheusText {
    /** The content type of the format. */
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private static final Pattern INVALID_NAME = Pattern.compile("[^a-zA-Z0-9_:]");
    private static final Pattern INVALID_LABEL = Pattern.compile("[^a-zA-Z0-9_]");
    private static final Pattern UNDERSCORES = Pattern.compile("__+");
    private static final Pattern ANNOTATION = Pattern.compile("\\{[^}]*}");
    private static final Map<String, String> UNITS = Map.ofEntries(
            Map.entry("d", "days"), Map.entry("h", "hours"), Map.entry("min", "minutes"), Map.entry("s", "seconds"),
            Map.entry("ms", "milliseconds"), Map.entry("us", "microseconds"), Map.entry("ns", "nanoseconds"),
            Map.entry("By", "bytes"), Map.entry("KiBy", "kibibytes"), Map.entry("MiBy", "mebibytes"),
            Map.entry("GiBy", "gibibytes"), Map.entry("KBy", "kilobytes"), Map.entry("MBy", "megabytes"),
            Map.entry("GBy", "gigabytes"), Map.entry("m", "meters"), Map.entry("V", "volts"), Map.entry("A", "amperes"),
            Map.entry("J", "joules"), Map.entry("W", "watts"), Map.entry("g", "grams"), Map.entry("Cel", "celsius"),
            Map.entry("Hz", "hertz"), Map.entry("%", "percent"));
    private static final Map<String, String> PER_UNITS = Map.of("s", "second", "min", "minute", "h", "hour", "d", "day",
            "w", "week", "mo", "month", "y", "year");

    private PrometheusText() {
    }

    /**
     * The exposition of the given metrics.
     *
     * @param metrics what a metric reader collected
     * @param resource the resource, written as {@code target_info}
     * @return the text, one family after another, sorted by name
     */
    static String write(Collection<MetricData> metrics, Resource resource) {
        Map<String, Family> families = new TreeMap<>();
        for (MetricData metric : metrics) {
            String type = type(metric);
            if (type == null) {
                continue;
            }
            String name = name(metric, type);
            Family family = families.computeIfAbsent(name, n -> new Family(type, metric.getDescription()));
            if (family.type.equals(type)) {
                family.metrics.add(metric);
            }
        }
        StringBuilder out = new StringBuilder(4096);
        if (!resource.getAttributes().isEmpty()) {
            out.append("# HELP target_info Target metadata\n# TYPE target_info gauge\ntarget_info");
            labels(out, resource.getAttributes(), null, null, null);
            out.append(" 1\n");
        }
        families.forEach((name, family) -> family.write(out, name));
        return out.toString();
    }

    private static @Nullable String type(MetricData metric) {
        MetricDataType type = metric.getType();
        return switch (type) {
            case LONG_GAUGE, DOUBLE_GAUGE -> "gauge";
            case LONG_SUM -> metric.getLongSumData().isMonotonic() ? "counter" : "gauge";
            case DOUBLE_SUM -> metric.getDoubleSumData().isMonotonic() ? "counter" : "gauge";
            case HISTOGRAM -> "histogram";
            case SUMMARY -> "summary";
            case EXPONENTIAL_HISTOGRAM -> null;
        };
    }

    /** The family name: sanitized, with the unit suffix, and {@code _total} for counters. */
    static String name(MetricData metric, String type) {
        String name = sanitize(metric.getName(), INVALID_NAME);
        String unit = unit(metric.getUnit(), type);
        if (!unit.isEmpty() && !name.endsWith("_" + unit)) {
            name = name + "_" + unit;
        }
        if (type.equals("counter")) {
            if (name.endsWith("_total")) {
                name = name.substring(0, name.length() - "_total".length());
            }
            name = name + "_total";
        }
        return name;
    }

    private static String unit(String unit, String type) {
        String u = ANNOTATION.matcher(unit).replaceAll("").strip();
        if (u.isEmpty()) {
            return "";
        }
        if (u.equals("1")) {
            return type.equals("gauge") ? "ratio" : "";
        }
        int slash = u.indexOf('/');
        if (slash > 0 && slash < u.length() - 1) {
            String per = u.substring(slash + 1);
            return word(u.substring(0, slash)) + "_per_" + PER_UNITS.getOrDefault(per, word(per));
        }
        return word(u);
    }

    private static String word(String unit) {
        String known = UNITS.get(unit);
        return known != null ? known : sanitize(unit, INVALID_LABEL).replaceAll("^_|_$", "");
    }

    static String sanitize(String name, Pattern invalid) {
        String s = UNDERSCORES.matcher(invalid.matcher(name).replaceAll("_")).replaceAll("_");
        if (s.isEmpty() || Character.isDigit(s.charAt(0))) {
            s = "_" + s;
        }
        return s;
    }

    /** Writes {@code {k="v",...}}: the attributes, then the scope and extra label, if any. */
    private static void labels(StringBuilder out, Attributes attributes, @Nullable InstrumentationScopeInfo scope,
            @Nullable String extraKey, @Nullable String extraValue) {
        Map<String, String> labels = new LinkedHashMap<>();
        attributes.forEach((key, value) -> labels.merge(sanitize(key.getKey(), INVALID_LABEL), String.valueOf(value),
                (a, b) -> a + ";" + b));
        if (scope != null) {
            labels.put("otel_scope_name", scope.getName());
            if (scope.getVersion() != null) {
                labels.put("otel_scope_version", scope.getVersion());
            }
        }
        if (extraKey != null && extraValue != null) {
            labels.put(extraKey, extraValue);
        }
        if (labels.isEmpty()) {
            return;
        }
        out.append('{');
        boolean first = true;
        for (Map.Entry<String, String> label : labels.entrySet()) {
            if (!first) {
                out.append(',');
            }
            first = false;
            out.append(label.getKey()).append("=\"");
            escape(out, label.getValue(), true);
            out.append('"');
        }
        out.append('}');
    }

    private static void escape(StringBuilder out, String text, boolean quotes) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '"' -> out.append(quotes ? "\\\"" : "\"");
                default -> out.append(c);
            }
        }
    }

    static String number(double value) {
        if (Double.isNaN(value)) {
            return "NaN";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "+Inf" : "-Inf";
        }
        return Double.toString(value);
    }

    /** The metrics sharing one family name and type. */
    private static final class Family {
        final String type;
        final String help;
        final List<MetricData> metrics = new ArrayList<>();

        Family(String type, String help) {
            this.type = type;
            this.help = help;
        }

        void write(StringBuilder out, String name) {
            if (!help.isEmpty()) {
                out.append("# HELP ").append(name).append(' ');
                escape(out, help, false);
                out.append('\n');
            }
            out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
            for (MetricData metric : metrics) {
                InstrumentationScopeInfo scope = metric.getInstrumentationScopeInfo();
                for (PointData point : metric.getData().getPoints()) {
                    if (point instanceof LongPointData p) {
                        sample(out, name, p.getAttributes(), scope, null, null, Long.toString(p.getValue()));
                    } else if (point instanceof DoublePointData p) {
                        sample(out, name, p.getAttributes(), scope, null, null, number(p.getValue()));
                    } else if (point instanceof HistogramPointData p) {
                        histogram(out, name, scope, p);
                    } else if (point instanceof SummaryPointData p) {
                        for (ValueAtQuantile q : p.getValues()) {
                            sample(out, name, p.getAttributes(), scope, "quantile", number(q.getQuantile()),
                                    number(q.getValue()));
                        }
                        sample(out, name + "_sum", p.getAttributes(), scope, null, null, number(p.getSum()));
                        sample(out, name + "_count", p.getAttributes(), scope, null, null, Long.toString(p.getCount()));
                    }
                }
            }
        }

        private static void histogram(StringBuilder out, String name, InstrumentationScopeInfo scope,
                HistogramPointData p) {
            List<Double> bounds = p.getBoundaries();
            List<Long> counts = p.getCounts();
            long cumulative = 0;
            for (int i = 0; i < counts.size(); i++) {
                cumulative += counts.get(i);
                String le = i < bounds.size() ? number(bounds.get(i)) : "+Inf";
                sample(out, name + "_bucket", p.getAttributes(), scope, "le", le, Long.toString(cumulative));
            }
            sample(out, name + "_sum", p.getAttributes(), scope, null, null, number(p.getSum()));
            sample(out, name + "_count", p.getAttributes(), scope, null, null, Long.toString(p.getCount()));
        }

        private static void sample(StringBuilder out, String name, Attributes attributes,
                InstrumentationScopeInfo scope, @Nullable String extraKey, @Nullable String extraValue, String value) {
            out.append(name);
            labels(out, attributes, scope, extraKey, extraValue);
            out.append(' ').append(value).append('\n');
        }
    }
}
