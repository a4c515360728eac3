package dev.chassis.core.bus;

import static java.util.Objects.requireNonNull;

import java.util.regex.Pattern;

/**
 * A topic pattern in AMQP topic-exchange syntax: dot-separated words where {@code *} matches exactly
 * one word and {@code #} matches zero or more words. Immutable and thread-safe.
 *
 * <pre>{@code
 * TopicPattern.of("order.*.failed").matches("order.payment.failed");   // true
 * TopicPattern.of("order.#").matches("order");                          // true
 * }</pre>
 */
public final class TopicPattern {
    private static final Pattern WORD = Pattern.compile("[A-Za-z0-9_-]+");
    private static final int MAX_LENGTH = 255;

    private final String pattern;
    private final String[] words;

    private TopicPattern(String pattern) {
        this.pattern = pattern;
        this.words = pattern.split("\\.", -1);
    }

    /**
     * Parses a pattern.
     *
     * @param pattern e.g. {@code user.created}, {@code order.*}, {@code #}
     * @return the pattern
     * @throws IllegalArgumentException if a word is empty or has characters other than letters, digits,
     *     {@code _} and {@code -}, or the pattern is longer than 255 characters
     */
    public static TopicPattern of(String pattern) {
        requireNonNull(pattern, "pattern");
        check(pattern, true);
        return new TopicPattern(pattern);
    }

    /**
     * Checks a topic that is published to (no wildcards).
     *
     * @param topic the topic
     * @return the topic
     * @throws IllegalArgumentException naming the problem
     */
    public static String checkTopic(String topic) {
        requireNonNull(topic, "topic");
        check(topic, false);
        return topic;
    }

    private static void check(String s, boolean wildcards) {
        String what = wildcards ? "topic pattern" : "topic";
        if (s.isEmpty() || s.length() > MAX_LENGTH) {
            throw new IllegalArgumentException(what + " must be 1-" + MAX_LENGTH + " characters, was " + s.length());
        }
        for (String w : s.split("\\.", -1)) {
            boolean wildcard = w.equals("*") || w.equals("#");
            if (wildcard && !wildcards) {
                throw new IllegalArgumentException("topic '" + s + "' must not contain wildcards; those are for subscriptions");
            }
            if (!wildcard && !WORD.matcher(w).matches()) {
                throw new IllegalArgumentException(what + " '" + s + "' must be dot-separated words of letters, digits, "
                        + "_ or -" + (wildcards ? ", or the wildcards * and #" : ""));
            }
        }
    }

    /**
     * Tells whether a topic matches.
     *
     * @param topic a published topic
     * @return whether it matches this pattern
     */
    public boolean matches(String topic) {
        return match(words, 0, topic.split("\\.", -1), 0);
    }

    private static boolean match(String[] p, int pi, String[] t, int ti) {
        while (pi < p.length) {
            String w = p[pi];
            if (w.equals("#")) {
                for (int skip = ti; skip <= t.length; skip++) {
                    if (match(p, pi + 1, t, skip)) {
                        return true;
                    }
                }
                return false;
            }
            if (ti >= t.length || !(w.equals("*") || w.equals(t[ti]))) {
                return false;
            }
            pi++;
            ti++;
        }
        return ti == t.length;
    }

    /** @return the pattern as written */
    @Override
    public String toString() {
        return pattern;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TopicPattern && ((TopicPattern) o).pattern.equals(pattern);
    }

    @Override
    public int hashCode() {
        return pattern.hashCode();
    }
}
