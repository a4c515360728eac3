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
 * deadlines, breaker delays) so time-dependent behaviour is tested without waiting. It starts in
 * UTC; {@link #withZone} gives a view in another zone that shares the same instant, so moving either
 * moves both. Thread-safe: one thread may move it while others read it.
 *
 * <pre>{@code
 * TestClock clock = TestClock.at("2026-03-01T00:00:00Z");
 * purger = InboxPurger.builder(store).clock(clock).retention(Duration.ofDays(7)).build();
 * clock.advance(Duration.ofDays(8));
 * TestClock paris = clock.withZone(ZoneId.of("Europe/Paris"));   // same instant, local time in Paris
 * }</pre>
 */
public final class TestClock extends Clock {
    private final AtomicReference<Instant> now;
    private final ZoneId zone;

    private TestClock(AtomicReference<Instant> now, ZoneId zone) {
        this.now = now;
        this.zone = zone;
    }

    private TestClock(Instant start) {
        this(new AtomicReference<>(start), ZoneOffset.UTC);
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

    /** @return the zone of this view, UTC unless it came from {@link #withZone} */
    @Override
    public ZoneId getZone() {
        return zone;
    }

    /**
     * A view of this clock in another zone. Both share one instant: advancing or setting either
     * moves the other.
     *
     * @param zone the zone of the view
     * @return the view
     */
    @Override
    public TestClock withZone(ZoneId zone) {
        requireNonNull(zone, "zone");
        return zone.equals(this.zone) ? this : new TestClock(now, zone);
    }

    /** @return the current instant of this clock */
    @Override
    public Instant instant() {
        return now.get();
    }
}
