package dev.chassis.core.eventsourcing;

/**
 * What a writer expects a stream's version to be when it appends: the optimistic-concurrency check
 * of {@link EventStore#append(String, ExpectedVersion, java.util.List)}. Versions count events from
 * 1; a stream with no events has version 0. Immutable.
 *
 * <pre>{@code
 * store.append("order-42", ExpectedVersion.noStream(), List.of(placed));
 * store.append("order-42", ExpectedVersion.exactly(1), List.of(paid));
 * }</pre>
 */
public final class ExpectedVersion {
    private static final ExpectedVersion ANY = new ExpectedVersion(-1);
    private static final ExpectedVersion NO_STREAM = new ExpectedVersion(0);

    private final long version;

    private ExpectedVersion(long version) {
        this.version = version;
    }

    /**
     * No check: the events go at the end of the stream, whatever its version.
     *
     * @return the mode
     */
    public static ExpectedVersion any() {
        return ANY;
    }

    /**
     * The stream must not exist yet (version 0).
     *
     * @return the mode
     */
    public static ExpectedVersion noStream() {
        return NO_STREAM;
    }

    /**
     * The stream must be at exactly this version; {@code exactly(0)} is {@link #noStream()}.
     *
     * @param version the version the writer last read, not negative
     * @return the mode
     * @throws IllegalArgumentException if {@code version} is negative
     */
    public static ExpectedVersion exactly(long version) {
        if (version < 0) {
            throw new IllegalArgumentException("version must be >= 0 (0 = no stream), was " + version);
        }
        return version == 0 ? NO_STREAM : new ExpectedVersion(version);
    }

    /**
     * Whether this is {@link #any()}.
     *
     * @return true for no check
     */
    public boolean isAny() {
        return version < 0;
    }

    /**
     * The expected version.
     *
     * @return the version, 0 for {@link #noStream()}
     * @throws IllegalStateException for {@link #any()}, which expects no particular version
     */
    public long version() {
        if (version < 0) {
            throw new IllegalStateException("ExpectedVersion.any() expects no particular version");
        }
        return version;
    }

    /**
     * Whether a stream at {@code actual} satisfies this expectation.
     *
     * @param actual the stream's current version
     * @return true if an append may go ahead
     */
    public boolean matches(long actual) {
        return version < 0 || version == actual;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ExpectedVersion && ((ExpectedVersion) o).version == version;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(version);
    }

    @Override
    public String toString() {
        return version < 0 ? "any" : version == 0 ? "no stream" : "version " + version;
    }
}
