package dev.chassis.core.eventsourcing;

import static java.util.Objects.requireNonNull;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The checks every store applies to an append's arguments, so they fail alike. */
final class StreamNames {
    static final int MAX_LENGTH = 200;

    private StreamNames() {
    }

    static void check(String stream) {
        NewEvent.requireText(stream, "stream");
        if (stream.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("stream name is " + stream.length() + " characters, at most "
                    + MAX_LENGTH + " allowed: '" + stream.substring(0, 40) + "...'");
        }
    }

    static List<NewEvent> checkEvents(List<NewEvent> events) {
        List<NewEvent> batch = List.copyOf(requireNonNull(events, "events"));
        if (batch.isEmpty()) {
            throw new IllegalArgumentException("append at least one event");
        }
        Set<String> ids = new HashSet<>();
        for (NewEvent e : batch) {
            if (!ids.add(e.id())) {
                throw new IllegalArgumentException("event id '" + e.id() + "' appears twice in one append");
            }
        }
        return batch;
    }

    static IllegalArgumentException idsElsewhere(String stream) {
        return new IllegalArgumentException("some event ids of this append to '" + stream
                + "' are already stored at another place: give new events new ids (a retry must repeat the same append)");
    }
}
