package dev.chassis.core.context;

import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Generates and validates correlation and causation ids.
 *
 * <p>A valid id is 1 to {@value #MAX_LENGTH} characters from {@code A-Z a-z 0-9 . _ : -}. That admits
 * UUIDs, ULIDs, W3C trace ids, CloudEvents ids such as {@code orders:42} and most ids other systems
 * send, and excludes everything that could forge or corrupt a log line or a header: spaces, CR, LF,
 * ANSI escape sequences, quotes, non-ASCII text. Ids from outside the service are therefore checked
 * with {@link #isValid(String)} (or read with
 * {@link CorrelationContext#fromIncoming(String, String)}) before they are logged or forwarded.
 *
 * <p>This class has only static methods, which are thread-safe.
 *
 * <pre>{@code
 * String id = CorrelationId.generate();        // "3f1c9a4e-5b7d-4c2e-9a0f-1e2d3c4b5a69"
 * CorrelationId.isValid("orders:42");          // true
 * CorrelationId.isValid("x\r\nforged: line");  // false
 * }</pre>
 */
public final class CorrelationId {
    /** The longest valid id, in characters. */
    public static final int MAX_LENGTH = 128;

    /** The HTTP header that carries the correlation id between services. */
    public static final String HTTP_HEADER = "x-correlation-id";

    /** The HTTP header that carries the causation id: the id of the message or request that caused this one. */
    public static final String CAUSATION_HTTP_HEADER = "x-causation-id";

    private CorrelationId() {}

    /**
     * A new random id: a version 4 UUID in its 36-character text form.
     *
     * @return a valid id, unique for all practical purposes
     */
    public static String generate() {
        return UUID.randomUUID().toString();
    }

    /**
     * Tells whether text is a valid id: 1 to {@value #MAX_LENGTH} characters from
     * {@code A-Z a-z 0-9 . _ : -}.
     *
     * @param candidate the text to check, may be {@code null}
     * @return {@code true} if valid; {@code false} for {@code null}, empty, too long or other characters
     */
    public static boolean isValid(@Nullable String candidate) {
        if (candidate == null || candidate.isEmpty() || candidate.length() > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < candidate.length(); i++) {
            if (!allowed(candidate.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static boolean allowed(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '.' || c == '_' || c == ':' || c == '-';
    }

    /**
     * Checks an id given by trusted code.
     *
     * @throws IllegalArgumentException without repeating the text, which may be hostile
     */
    static String require(String id, String name) {
        if (!isValid(id)) {
            throw new IllegalArgumentException(name + " must be 1.." + MAX_LENGTH
                    + " characters of A-Z a-z 0-9 . _ : - (was " + id.length() + " characters long);"
                    + " use CorrelationContext.fromIncoming for untrusted input");
        }
        return id;
    }
}
