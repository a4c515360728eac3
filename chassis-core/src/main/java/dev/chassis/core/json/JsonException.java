package dev.chassis.core.json;

import dev.chassis.core.NonRetryableException;

/**
 * JSON that cannot be read or a value that cannot be written: malformed input, a missing required
 * field, a type mismatch. The message names the location of the problem when it is known.
 * Instances are immutable once thrown.
 */
public final class JsonException extends NonRetryableException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what is wrong, with the location in the document when known
     * @param cause the parser's failure
     */
    public JsonException(String message, Throwable cause) {
        super(message, cause);
    }
}
