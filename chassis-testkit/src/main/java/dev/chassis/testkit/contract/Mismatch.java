package dev.chassis.testkit.contract;

import static java.util.Objects.requireNonNull;

/**
 * One difference between what a contract expects and what a provider (or a consumer's request) did:
 * the interaction, where ({@code $.body.items[0].id}, {@code $.headers.Content-Type},
 * {@code $.status}, {@code $.metadata.routingKey}), what was expected, what was found and the rule
 * that decided ({@code equality} where no matcher was declared).
 *
 * @param interaction the interaction's description, with its provider states
 * @param path where the difference is
 * @param expected the expected value (the example, as JSON)
 * @param actual the actual value, as JSON, or {@code (missing)}
 * @param rule the rule applied and why it failed
 */
public record Mismatch(String interaction, String path, String expected, String actual, String rule) {
    /** Checks that no component is null. */
    public Mismatch {
        requireNonNull(interaction, "interaction");
        requireNonNull(path, "path");
        requireNonNull(expected, "expected");
        requireNonNull(actual, "actual");
        requireNonNull(rule, "rule");
    }

    /**
     * @return the mismatch as report lines: the path, then expected, actual and rule, indented
     */
    @Override
    public String toString() {
        return path + "\n    expected: " + expected + "\n    actual:   " + actual + "\n    rule:     " + rule;
    }
}
