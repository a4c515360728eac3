package dev.chassis.core.envelope;

import dev.chassis.core.NonRetryableException;
import java.util.List;

/**
 * An envelope that breaks the CloudEvents 1.0 rules: a missing required attribute, a malformed
 * extension name, an attribute of the wrong form. The message lists every problem, each naming the
 * attribute and what to fix. Instances are immutable once thrown.
 */
public final class InvalidEnvelopeException extends NonRetryableException {
    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    /**
     * @param problems one line per problem, each naming the attribute
     */
    public InvalidEnvelopeException(List<String> problems) {
        super("invalid envelope: " + String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    /**
     * @param problem what is wrong, naming the attribute
     * @param cause the underlying failure
     */
    public InvalidEnvelopeException(String problem, Throwable cause) {
        super("invalid envelope: " + problem, cause);
        this.problems = List.of(problem);
    }

    /**
     * Every problem found, each naming the attribute.
     *
     * @return the problems, never empty
     */
    public List<String> problems() {
        return problems;
    }
}
