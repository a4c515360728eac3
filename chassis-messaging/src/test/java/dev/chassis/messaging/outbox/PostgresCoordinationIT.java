package dev.chassis.messaging.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The relay's view of commits on PostgreSQL: a NOTIFY per committed outbox row, seen without a round trip. */
class PostgresCoordinationIT {
    private final PgFixture pg = new PgFixture();
    private final PostgresCoordination coordination = new PostgresCoordination(pg.dataSource, pg.schema);

    @AfterEach
    void tearDown() throws Exception {
        coordination.close();
        pg.close();
    }

    @Test
    void tellsWithoutWaitingWhetherARowWasCommittedSinceItLastLooked() {
        // given
        assertThat(coordination.lead()).isTrue();
        assertThat(coordination.workArrived()).as("once after it starts listening: commits before were not notified").isTrue();
        assertThat(coordination.workArrived()).as("nothing committed since").isFalse();

        // when
        pg.commit("it.topic", "k-1", PgFixture.envelope("first"));

        // then
        await().atMost(Duration.ofSeconds(5)).until(coordination::workArrived);
        assertThat(coordination.workArrived()).as("the notification was taken").isFalse();
        pg.commit("it.topic", "k-1", PgFixture.envelope("second"));
        await().atMost(Duration.ofSeconds(5)).until(coordination::workArrived);
    }

    @Test
    void answersYesWhenItCannotKnowBecauseItsListenConnectionIsGone() {
        // given
        assertThat(coordination.lead()).isTrue();
        assertThat(coordination.workArrived()).isTrue();
        assertThat(coordination.workArrived()).isFalse();

        // when
        int terminated = pg.terminate("app");

        // then
        assertThat(terminated).isPositive();
        await().atMost(Duration.ofSeconds(5)).until(coordination::workArrived);
        assertThat(coordination.workArrived()).as("no notifications: read, as a poll would").isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> coordination.lead() && !coordination.workArrived());
        pg.commit("it.topic", "k-1", PgFixture.envelope("after"));
        await("listening again after leading again").atMost(Duration.ofSeconds(5)).until(coordination::workArrived);
    }
}
