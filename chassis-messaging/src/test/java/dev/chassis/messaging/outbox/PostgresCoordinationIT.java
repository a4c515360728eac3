package dev.chassis.messaging.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import dev.chassis.core.outbox.OutboxRecord;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The relay's view of PostgreSQL: a NOTIFY per committed outbox row, seen without a round trip, and
 * reads of unsent rows on the session that holds the leader lock.
 */
class PostgresCoordinationIT {
    private final PgFixture pg = new PgFixture();
    private final PostgresCoordination coordination = coordination(pg.dataSource);

    private PostgresCoordination coordination(HikariDataSource ds) {
        return new PostgresCoordination(ds, pg.schema, new JdbcOutboxStore(ds, pg.schema));
    }

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

    @Test
    void readsAsTheLeaderOnlyAndStopsReadingWhenItsLockSessionIsGone() throws Exception {
        // given
        pg.commit("it.topic", "k-1", PgFixture.envelope("first"));
        pg.commit("it.topic", "k-2", PgFixture.envelope("second"));
        PostgresCoordination standby = coordination(pg.pool("standby"));
        assertThat(coordination.lead()).isTrue();
        assertThat(standby.lead()).isFalse();

        // when
        Optional<List<OutboxRecord>> read = coordination.readUnsent(10, Set.of());
        Optional<List<OutboxRecord>> excluding = coordination.readUnsent(10, Set.of(read.orElseThrow().get(0).id()));
        Optional<List<OutboxRecord>> standbyRead = standby.readUnsent(10, Set.of());

        // then
        assertThat(read.orElseThrow()).extracting(r -> r.message().orderingKey()).containsExactly("k-1", "k-2");
        assertThat(excluding.orElseThrow()).extracting(r -> r.message().orderingKey()).containsExactly("k-2");
        assertThat(standbyRead).as("a standby reads nothing").isEmpty();

        // when the leader's sessions end
        assertThat(pg.terminate("app")).isPositive();

        // then
        await("no session, no leadership").atMost(Duration.ofSeconds(5))
                .until(() -> coordination.readUnsent(10, Set.of()).isEmpty());
        assertThat(coordination.isLeader()).isFalse();
        await().atMost(Duration.ofSeconds(10)).until(standby::lead);
        assertThat(standby.readUnsent(10, Set.of()).orElseThrow()).hasSize(2);
        standby.close();
    }

    @Test
    void leavesItsSessionAsItFoundItWhenItGoesBackToThePool() throws Exception {
        // given: pools of two sessions (a leader uses both: the lock's and the LISTEN's), and a standby that tried
        HikariDataSource two = pg.pool("two", 2);
        PostgresCoordination leader = coordination(two);
        assertThat(leader.lead()).isTrue();
        assertThat(leader.readUnsent(10, Set.of())).isPresent();

        HikariDataSource standbyPool = pg.pool("standby-two", 2);
        PostgresCoordination standby = coordination(standbyPool);
        assertThat(standby.lead()).as("the lock is taken").isFalse();

        // when
        leader.close();

        // then: both sessions of each pool, taken at once
        assertSessionsAsFound(two);
        assertSessionsAsFound(standbyPool);
        standby.close();
    }

    private static void assertSessionsAsFound(HikariDataSource pool) throws Exception {
        try (Connection a = pool.getConnection(); Connection b = pool.getConnection()) {
            for (Connection c : List.of(a, b)) {
                try (Statement st = c.createStatement()) {
                    assertThat(value(st, "SHOW enable_bitmapscan")).isEqualTo("on");
                    assertThat(value(st, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"
                            + " AND pid = pg_backend_pid()")).isEqualTo("0");
                    assertThat(value(st, "SELECT count(*) FROM pg_listening_channels()")).isEqualTo("0");
                }
            }
        }
    }

    private static String value(Statement st, String sql) throws Exception {
        try (ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
