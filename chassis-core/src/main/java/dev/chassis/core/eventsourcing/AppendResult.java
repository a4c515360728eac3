package dev.chassis.core.eventsourcing;

/**
 * What an append stored: the stream's versions the events took. Immutable.
 *
 * @param stream the stream
 * @param firstVersion the version of the first appended event
 * @param lastVersion the version of the last appended event, the stream's version afterwards
 */
public record AppendResult(String stream, long firstVersion, long lastVersion) {
    /**
     * The expectation for the next append after this one.
     *
     * @return {@code ExpectedVersion.exactly(lastVersion)}
     */
    public ExpectedVersion nextExpectedVersion() {
        return ExpectedVersion.exactly(lastVersion);
    }
}
