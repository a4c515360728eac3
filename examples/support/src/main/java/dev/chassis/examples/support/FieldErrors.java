package dev.chassis.examples.support;

import static java.util.Objects.requireNonNull;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Collects validation problems by field, then throws one {@link ApiException} (400,
 * {@code {"error":"validation failed","fields":{...}}}) naming all of them. The first problem of a
 * field is kept. Not thread-safe: one per request.
 *
 * <pre>{@code
 * FieldErrors errors = FieldErrors.create();
 * errors.check(name != null && !name.isBlank(), "name", "must not be blank");
 * errors.check(EMAIL.matcher(email).matches(), "email", "must be an e-mail address like ada@example.com");
 * errors.throwIfAny();
 * }</pre>
 */
public final class FieldErrors {
    /** The {@code error} text of a validation failure. */
    public static final String VALIDATION_FAILED = "validation failed";

    private final Map<String, String> problems = new LinkedHashMap<>();

    private FieldErrors() {}

    /** @return an empty collector */
    public static FieldErrors create() {
        return new FieldErrors();
    }

    /**
     * Records a problem when a condition does not hold.
     *
     * @param ok whether the field is valid
     * @param field the field's name as the client sent it, e.g. {@code email}
     * @param problem what is wrong and what is expected, e.g. {@code must not be blank}
     * @return this collector
     */
    public FieldErrors check(boolean ok, String field, String problem) {
        requireNonNull(field, "field");
        requireNonNull(problem, "problem");
        if (!ok) {
            problems.putIfAbsent(field, problem);
        }
        return this;
    }

    /** @return whether a field has a problem */
    public boolean hasErrors() {
        return !problems.isEmpty();
    }

    /**
     * Throws when any field has a problem.
     *
     * @throws ApiException 400 with every problem under {@code fields}
     */
    public void throwIfAny() {
        if (!problems.isEmpty()) {
            throw new ApiException(400, VALIDATION_FAILED, problems);
        }
    }
}
