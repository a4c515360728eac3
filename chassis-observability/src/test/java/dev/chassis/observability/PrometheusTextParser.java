package dev.chassis.observability;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict reader of the Prometheus text format 0.0.4, written from the format's description: every
 * line must be a {@code # HELP}, a {@code # TYPE} or a sample of the family declared last; names,
 * label names, escapes and values are checked; a family is declared once, a series appears once, and
 * histograms have an {@code le} label on each bucket, a {@code +Inf} bucket equal to their count and
 * non-decreasing buckets. Anything else fails with the line number.
 */
final class PrometheusTextParser {
    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final Pattern HELP = Pattern.compile("# HELP (" + NAME + ") ((?:[^\\\\\\n]|\\\\\\\\|\\\\n)*)");
    private static final Pattern TYPE = Pattern.compile("# TYPE (" + NAME + ") (counter|gauge|histogram|summary|untyped)");
    private static final Pattern VALUE = Pattern.compile("[+-]?(?:Inf|NaN|[0-9]*\\.?[0-9]+(?:[eE][+-]?[0-9]+)?|[0-9]+\\.)");
    private static final Set<String> TYPES_WITH_SUFFIXES = Set.of("histogram", "summary");

    /** One sample line. */
    record Sample(String family, String name, Map<String, String> labels, double value) {
    }

    /** A parsed exposition: each family's type and all samples, in order. */
    record Exposition(Map<String, String> types, List<Sample> samples) {
        /** The value of the one sample with this name whose labels include the given ones; fails if none or several. */
        double value(String name, Map<String, String> including) {
            List<Sample> matching = samples.stream()
                    .filter(s -> s.name().equals(name) && s.labels().entrySet().containsAll(including.entrySet()))
                    .toList();
            if (matching.size() != 1) {
                throw new AssertionError(matching.size() + " samples " + name + " with " + including + ", expected 1");
            }
            return matching.get(0).value();
        }

        /** The sum of the samples with this name whose labels include the given ones; 0 if none. */
        double sum(String name, Map<String, String> including) {
            return samples.stream()
                    .filter(s -> s.name().equals(name) && s.labels().entrySet().containsAll(including.entrySet()))
                    .mapToDouble(Sample::value).sum();
        }
    }

    private PrometheusTextParser() {
    }

    static Exposition parse(String text) {
        if (!text.isEmpty() && !text.endsWith("\n")) {
            throw new AssertionError("the exposition must end with a line feed");
        }
        Map<String, String> types = new LinkedHashMap<>();
        Set<String> helped = new HashSet<>();
        Set<String> series = new HashSet<>();
        List<Sample> samples = new ArrayList<>();
        String family = null;
        String[] lines = text.isEmpty() ? new String[0] : text.substring(0, text.length() - 1).split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            String where = "line " + (i + 1) + " '" + line + "': ";
            Matcher m;
            if ((m = HELP.matcher(line)).matches()) {
                if (!helped.add(m.group(1)) || types.containsKey(m.group(1))) {
                    throw new AssertionError(where + "HELP must come once, before the family's TYPE");
                }
            } else if ((m = TYPE.matcher(line)).matches()) {
                if (types.putIfAbsent(m.group(1), m.group(2)) != null) {
                    throw new AssertionError(where + "family declared twice");
                }
                family = m.group(1);
            } else if (line.startsWith("#") || line.isEmpty()) {
                throw new AssertionError(where + "not a HELP, TYPE or sample line");
            } else {
                Sample sample = sample(line, where, family, family == null ? null : types.get(family));
                if (!series.add(sample.name() + sample.labels())) {
                    throw new AssertionError(where + "series repeated");
                }
                samples.add(sample);
            }
        }
        Exposition exposition = new Exposition(types, samples);
        types.forEach((name, type) -> {
            if (type.equals("histogram")) {
                checkHistograms(name, exposition);
            }
        });
        return exposition;
    }

    private static Sample sample(String line, String where, String family, String type) {
        Matcher name = NAME.matcher(line);
        if (!name.lookingAt()) {
            throw new AssertionError(where + "no metric name");
        }
        String metric = name.group();
        if (family == null || !belongs(metric, family, type)) {
            throw new AssertionError(where + "sample outside its family's TYPE (" + family + ")");
        }
        int pos = name.end();
        Map<String, String> labels = new LinkedHashMap<>();
        if (pos < line.length() && line.charAt(pos) == '{') {
            pos++;
            while (line.charAt(pos) != '}') {
                Matcher label = LABEL_NAME.matcher(line).region(pos, line.length());
                if (!label.lookingAt() || line.charAt(label.end()) != '=' || line.charAt(label.end() + 1) != '"') {
                    throw new AssertionError(where + "bad label at " + pos);
                }
                pos = label.end() + 2;
                StringBuilder value = new StringBuilder();
                while (line.charAt(pos) != '"') {
                    char c = line.charAt(pos++);
                    if (c == '\\') {
                        char e = line.charAt(pos++);
                        switch (e) {
                            case '\\' -> value.append('\\');
                            case '"' -> value.append('"');
                            case 'n' -> value.append('\n');
                            default -> throw new AssertionError(where + "bad escape \\" + e);
                        }
                    } else {
                        value.append(c);
                    }
                }
                pos++;
                if (labels.put(label.group(), value.toString()) != null) {
                    throw new AssertionError(where + "label " + label.group() + " repeated");
                }
                if (line.charAt(pos) == ',') {
                    pos++;
                } else if (line.charAt(pos) != '}') {
                    throw new AssertionError(where + "expected , or } at " + pos);
                }
            }
            pos++;
        }
        if (pos >= line.length() || line.charAt(pos) != ' ') {
            throw new AssertionError(where + "expected one space before the value");
        }
        String[] rest = line.substring(pos + 1).split(" ", -1);
        if (rest.length > 2 || !VALUE.matcher(rest[0]).matches()
                || (rest.length == 2 && !rest[1].matches("-?[0-9]+"))) {
            throw new AssertionError(where + "bad value or timestamp");
        }
        return new Sample(family, metric, labels, parseValue(rest[0]));
    }

    private static boolean belongs(String metric, String family, String type) {
        if (metric.equals(family)) {
            return !"histogram".equals(type);
        }
        if (!TYPES_WITH_SUFFIXES.contains(type)) {
            return false;
        }
        return metric.equals(family + "_sum") || metric.equals(family + "_count")
                || (type.equals("histogram") && metric.equals(family + "_bucket"));
    }

    private static double parseValue(String value) {
        return switch (value) {
            case "+Inf", "Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN", "+NaN", "-NaN" -> Double.NaN;
            default -> Double.parseDouble(value);
        };
    }

    private static void checkHistograms(String family, Exposition exposition) {
        Map<Map<String, String>, List<Sample>> buckets = new LinkedHashMap<>();
        for (Sample s : exposition.samples()) {
            if (s.name().equals(family + "_bucket")) {
                if (!s.labels().containsKey("le")) {
                    throw new AssertionError(family + ": bucket without le " + s);
                }
                Map<String, String> key = new LinkedHashMap<>(s.labels());
                key.remove("le");
                buckets.computeIfAbsent(key, k -> new ArrayList<>()).add(s);
            }
        }
        buckets.forEach((labels, list) -> {
            double previous = -1;
            for (Sample bucket : list) {
                if (bucket.value() < previous) {
                    throw new AssertionError(family + ": buckets must not decrease " + list);
                }
                previous = bucket.value();
            }
            Sample last = list.get(list.size() - 1);
            if (!"+Inf".equals(last.labels().get("le"))) {
                throw new AssertionError(family + ": the last bucket must be le=\"+Inf\" " + list);
            }
            double count = exposition.samples().stream()
                    .filter(s -> s.name().equals(family + "_count") && s.labels().equals(labels))
                    .mapToDouble(Sample::value).findFirst()
                    .orElseThrow(() -> new AssertionError(family + ": no _count for " + labels));
            if (count != last.value()) {
                throw new AssertionError(family + ": _count " + count + " differs from the +Inf bucket " + last);
            }
        });
    }
}
