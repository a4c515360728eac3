package dev.chassis.testkit.time;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class TestClockTest {
    @Test
    void movesOnlyWhenAdvancedOrSet() {
        // given
        TestClock clock = TestClock.at("2026-03-01T00:00:00Z");

        // when
        clock.advance(Duration.ofHours(2));
        Instant advanced = clock.instant();
        clock.set(Instant.parse("2027-01-01T00:00:00Z"));

        // then
        assertThat(advanced).isEqualTo("2026-03-01T02:00:00Z");
        assertThat(clock.instant()).isEqualTo("2027-01-01T00:00:00Z");
        assertThat(clock.millis()).isEqualTo(Instant.parse("2027-01-01T00:00:00Z").toEpochMilli());
        assertThat(clock.getZone()).isEqualTo(ZoneOffset.UTC);
    }

    @Test
    void aViewInAnotherZoneSharesTheInstant() {
        // given
        TestClock utc = TestClock.at("2026-07-01T10:00:00Z");
        TestClock paris = utc.withZone(ZoneId.of("Europe/Paris"));

        // when
        paris.advance(Duration.ofMinutes(30));

        // then
        assertThat(paris.getZone()).isEqualTo(ZoneId.of("Europe/Paris"));
        assertThat(LocalDateTime.now(paris)).isEqualTo("2026-07-01T12:30:00");
        assertThat(LocalDateTime.now(utc)).isEqualTo("2026-07-01T10:30:00");
        assertThat(utc.instant()).isEqualTo(paris.instant());
        assertThat(utc.withZone(ZoneOffset.UTC)).isSameAs(utc);
    }
}
