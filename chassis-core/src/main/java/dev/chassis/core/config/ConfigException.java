package dev.chassis.core.config;

import static java.util.Objects.requireNonNull;

import dev.chassis.core.NonRetryableException;
import java.util.List;

/**
 * The configuration cannot be used: one or more keys are missing, malformed or unknown. The message
 * lists every {@linkplain #problems() problem}, one a line, each naming the key and what to fix; it
 * never contains the value of a secret key. Instances are immutable once thrown.
 *
 * <pre>{@code
 * try {
 *     config = Config.builder().declare(keys).build();
 * } catch (ConfigException e) {
 *     System.err.println(e.getMessage());
 *     System.exit(2);
 * }
 * }</pre>
 */
public final class ConfigException extends NonRetryableException {
    private static final long serialVersionUID = 1L;

    /** The problems, in report order; an immutable list. */
    private final List<ConfigProblem> problems;

    /**
     * @param problems the problems found, at least one
     * @throws IllegalArgumentException if {@code problems} is empty
     */
    public ConfigException(List<ConfigProblem> problems) {
        super(message(problems));
        this.problems = List.copyOf(problems);
    }

    /**
     * Every problem found, in the order missing and malformed keys (by declaration), then unknown keys.
     *
     * @return an immutable, non-empty list
     */
    public List<ConfigProblem> problems() {
        return problems;
    }

    private static String message(List<ConfigProblem> problems) {
        requireNonNull(problems, "problems");
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("problems must not be empty");
        }
        var text = new StringBuilder("invalid configuration (")
                .append(problems.size())
                .append(problems.size() == 1 ? " problem):" : " problems):");
        for (ConfigProblem problem : problems) {
            text.append(System.lineSeparator()).append("  - ").append(problem.message());
        }
        return text.toString();
    }
}
