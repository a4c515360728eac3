package dev.chassis.testkit.contract;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jspecify.annotations.Nullable;

/**
 * An expectation that accepts more than one value: an example, written into the contract and served
 * by the stub provider, and a Pact matching rule that a provider's actual value must satisfy. Created
 * by {@link Matchers}; usable anywhere a body, header, query or path value is expected.
 *
 * <pre>{@code
 * Map.of("id", Matchers.integer(42), "email", Matchers.regex(".+@.+", "ada@example.com"))
 * }</pre>
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class Matcher {
    private final ObjectNode rule;
    private final @Nullable Object example;
    private final int copies;

    Matcher(ObjectNode rule, @Nullable Object example, int copies) {
        this.rule = rule;
        this.example = example;
        this.copies = copies;
    }

    /** The Pact matcher definition, for example {@code {"match":"regex","regex":"\\d+"}}; a copy. */
    ObjectNode rule() {
        return rule.deepCopy();
    }

    @Nullable Object example() {
        return example;
    }

    /** For array matchers, how many copies of the element example the example array holds; else 0. */
    int copies() {
        return copies;
    }

    /** @return the matcher as it appears in the pact file, with its example */
    @Override
    public String toString() {
        return PactJson.compact(rule) + " example " + example;
    }
}
