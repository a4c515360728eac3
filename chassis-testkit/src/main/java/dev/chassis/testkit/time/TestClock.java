package dev.chassis.testkit.time;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A {@link Clock} that tests move by hand, to pass wherever the chassis takes a clock (retention,
 * deadlines, breaker delays) so time-dependent behaviour is tested without waiting. It is always in
 * UTC. Thread-safe: one thread may move it while others read it.
 *
 * <pre>{@code
 * TestClock clock = TestClock.at("2026-03-01T00:00:00Z");
 * purger = InboxPurger.builder(store).clock(clock).retention(Duration.ofDays(7)).build();
 * clock.advance(Duration.ofDays(8));
 * }</pre>
 */
public final class TestClock extends Clock {
    private final AtomicReference<Instant> now;

    private TestClock(Instant start) {
        this.now = new AtomicReference<>(start);
    }

    /**
     * A clock standing at the given instant.
     *
     * @param start the initial instant
     * @return the clock
     */
    public static TestClock at(Instant start) {
        return new TestClock(requireNonNull(start, "start"));
    }

    /**
     * A clock standing at the given ISO-8601 instant, e.g. {@code 2026-03-01T00:00:00Z}.
     *
     * @param isoInstant the initial instant
     * @return the clock
     * @throws java.time.format.DateTimeParseException if the text is no ISO-8601 instant
     */
    public static TestClock at(String isoInstant) {
        return new TestClock(Instant.parse(requireNonNull(isoInstant, "isoInstant")));
    }

    /**
     * Moves the clock forward (or back, with a negative duration).
     *
     * @param by how far
     */
    public void advance(Duration by) {
        requireNonNull(by, "by");
        now.updateAndGet(t -> t.plus(by));
    }

    /**
     * Sets the clock to an instant.
     *
     * @param instant the new time
     */
    public void set(Instant instant) {
        now.set(requireNonNull(instant, "instant"));
    }

    /** @return UTC */
    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    /** @return this clock: it is always in UTC */
    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    /** @return the current instant of this clock */
    @Override
    public Instant instant() {
        return now.get();
    }
}
