package dev.chassis.core.eventsourcing;

import dev.chassis.core.NonRetryableException;

/**
 * An append found the stream at another version than the writer expected: another writer got there
 * first. Repeating the same append fails again; reload the stream (or aggregate), decide again, and
 * append with the new version.
 */
public class ConcurrencyException extends NonRetryableException {
    private static final long serialVersionUID = 1L;

    private final String stream;
    private final transient ExpectedVersion expected;
    private final long actual;

    /**
     * Creates the exception.
     *
     * @param stream the stream
     * @param expected what the writer expected
     * @param actual the stream's version when the append was checked
     */
    public ConcurrencyException(String stream, ExpectedVersion expected, long actual) {
        super("stream '" + stream + "' is at version " + actual + ", the append expected " + expected
                + ": another writer appended first; reload and try again");
        this.stream = stream;
        this.expected = expected;
        this.actual = actual;
    }

    /** @return the stream */
    public String stream() {
        return stream;
    }

    /** @return what the writer expected */
    public ExpectedVersion expected() {
        return expected;
    }

    /** @return the stream's version when the append was checked */
    public long actual() {
        return actual;
    }
}
