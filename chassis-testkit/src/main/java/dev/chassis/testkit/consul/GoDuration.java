package dev.chassis.testkit.consul;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses and writes durations in Go's notation, as Consul's API uses them ({@code 10s}, {@code 1m30s}, {@code 500ms}). */
final class GoDuration {
    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h)");

    private GoDuration() {
    }

    /** Zero for an empty text. */
    static Duration parse(String text) {
        String t = text.trim();
        if (t.isEmpty() || t.equals("0")) {
            return Duration.ZERO;
        }
        Matcher m = PART.matcher(t);
        Duration total = Duration.ZERO;
        int end = 0;
        while (m.find()) {
            if (m.start() != end) {
                throw new IllegalArgumentException("not a Go duration: '" + text + "'");
            }
            end = m.end();
            double amount = Double.parseDouble(m.group(1));
            double nanosPerUnit;
            switch (m.group(2)) {
                case "ns":
                    nanosPerUnit = 1;
                    break;
                case "us":
                case "µs":
                    nanosPerUnit = 1e3;
                    break;
                case "ms":
                    nanosPerUnit = 1e6;
                    break;
                case "s":
                    nanosPerUnit = 1e9;
                    break;
                case "m":
                    nanosPerUnit = 60e9;
                    break;
                default:
                    nanosPerUnit = 3600e9;
            }
            total = total.plusNanos((long) (amount * nanosPerUnit));
        }
        if (end != t.length()) {
            throw new IllegalArgumentException("not a Go duration: '" + text + "'");
        }
        return total;
    }
}
