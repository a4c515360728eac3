package dev.chassis.core.eventsourcing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.chassis.core.NonRetryableException;
import dev.chassis.core.jdbc.TxRunner;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What only the PostgreSQL store does: hooks, the caller's transaction, waiting for open transactions. */
class JdbcEventStoreIT {
    private final StorePg pg = new StorePg();
    private final TxRunner tx = TxRunner.of(pg.dataSource);

    @AfterEach
    void tearDown() throws Exception {
        pg.close();
    }

    @Test
    void theHookSeesTheStoredEventsWithTheirPositionsInsideTheAppendTransaction() throws Exception {
        // given a hook that copies what it sees into a table, and notes its transaction id
        pg.execute("CREATE TABLE " + pg.schema.schema() + ".seen (event_id text, version bigint, tx bigint, seq bigint)");
        AtomicLong hookTransaction = new AtomicLong();
        AppendHook hook = (c, events) -> {
            try (Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT pg_current_xact_id()::text::bigint")) {
                rs.next();
                hookTransaction.set(rs.getLong(1));
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + pg.schema.schema() + ".seen VALUES (?, ?, ?, ?)")) {
                for (RecordedEvent e : events) {
                    ps.setString(1, e.id());
                    ps.setLong(2, e.version());
                    ps.setLong(3, e.position().transaction());
                    ps.setLong(4, e.position().sequence());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        };
        JdbcEventStore store = JdbcEventStore.create(pg.dataSource, b -> b.schema(pg.schema).appendHook(hook));

        // when
        store.append("s", ExpectedVersion.noStream(), List.of(NewEvent.of("t.a", 1, "{}"), NewEvent.of("t.b", 1, "{}")));

        // then the hook saw exactly what readAll returns, in the append's own transaction
        await().atMost(Duration.ofSeconds(30)).until(() -> store.readAll(GlobalPosition.START, 10).size() == 2);
        List<RecordedEvent> stored = store.readAll(GlobalPosition.START, 10);
        List<String> seen = new ArrayList<>();
        try (Connection c = pg.dataSource.getConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT event_id, version, tx, seq FROM " + pg.schema.schema()
                        + ".seen ORDER BY version")) {
            while (rs.next()) {
                seen.add(rs.getString(1) + "@" + rs.getLong(2) + "@" + rs.getLong(3) + "/" + rs.getLong(4));
            }
        }
        assertThat(seen).containsExactlyElementsOf(stored.stream()
                .map(e -> e.id() + "@" + e.version() + "@" + e.position()).toList());
        assertThat(stored).allSatisfy(e -> assertThat(e.position().transaction()).isEqualTo(hookTransaction.get()));
    }

    @Test
    void aFailingHookRollsTheAppendBack() {
        // given
        JdbcEventStore store = JdbcEventStore.create(pg.dataSource, b -> b.schema(pg.schema)
                .appendHook((c, events) -> {
                    throw new SQLException("outbox table missing", "42P01");
                }));

        // when / then
        assertThatThrownBy(() -> store.append("s", ExpectedVersion.any(), List.of(NewEvent.of("t.a", 1, "{}"))))
                .isInstanceOf(NonRetryableException.class).hasMessageContaining("outbox table missing")
                .hasMessageContaining("'s'");
        assertThat(store.version("s")).isZero();
    }

    @Test
    void appendsInTheCallersTransactionAndCommitsOrRollsBackWithIt() throws Exception {
        // given
        JdbcEventStore store = pg.store();
        pg.execute("CREATE TABLE " + pg.schema.schema() + ".orders (id text PRIMARY KEY)");

        // when one transaction commits and one fails after appending
        tx.inTransaction(c -> {
            insertOrder(c, "o-1");
            return store.append(c, "order-o-1", ExpectedVersion.noStream(), List.of(NewEvent.of("order.placed", 1, "{}")));
        });
        assertThatThrownBy(() -> tx.inTransaction(c -> {
            insertOrder(c, "o-2");
            store.append(c, "order-o-2", ExpectedVersion.noStream(), List.of(NewEvent.of("order.placed", 1, "{}")));
            throw new IllegalStateException("payment declined");
        })).hasMessage("payment declined");

        // then
        assertThat(store.version("order-o-1")).isEqualTo(1);
        assertThat(store.version("order-o-2")).isZero();
        assertThat(pg.count("orders")).isEqualTo(1);
    }

    @Test
    void theCallersTransactionStaysUsableAfterAConflict() throws Exception {
        // given
        JdbcEventStore store = pg.store();
        store.append("s", ExpectedVersion.noStream(), List.of(NewEvent.of("t.a", 1, "{}")));
        pg.execute("CREATE TABLE " + pg.schema.schema() + ".orders (id text PRIMARY KEY)");

        // when a stale append fails half-way through a batch, and the transaction goes on
        AppendResult result = tx.inTransaction(c -> {
            long actual;
            try {
                store.append(c, "s", ExpectedVersion.noStream(), List.of(NewEvent.of("t.b", 1, "{}")));
                throw new AssertionError("the stale append went through");
            } catch (ConcurrencyException e) {
                actual = e.actual();
            }
            insertOrder(c, "o-1");
            return store.append(c, "s", ExpectedVersion.exactly(actual), List.of(NewEvent.of("t.c", 1, "{}")));
        });

        // then
        assertThat(result).isEqualTo(new AppendResult("s", 2, 2));
        assertThat(store.read("s")).extracting(RecordedEvent::type).containsExactly("t.a", "t.c");
        assertThat(pg.count("orders")).isEqualTo(1);
    }

    @Test
    void rejectsAutoCommitConnections() throws Exception {
        JdbcEventStore store = pg.store();
        try (Connection c = pg.dataSource.getConnection()) {
            assertThatThrownBy(() -> store.append(c, "s", ExpectedVersion.any(), List.of(NewEvent.of("t.a", 1, "{}"))))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("auto-commit");
        }
        assertThat(store.version("s")).isZero();
    }

    @Test
    void aWriterWaitsForAnOpenCompetitorAndWinsWhenItRollsBackOrLosesWhenItCommits() throws Exception {
        JdbcEventStore store = pg.store();
        for (boolean competitorCommits : new boolean[] {false, true}) {
            // given a competitor that appended version 1 and has not ended yet
            String stream = "s-" + competitorCommits;
            try (Connection competitor = pg.dataSource.getConnection()) {
                competitor.setAutoCommit(false);
                store.append(competitor, stream, ExpectedVersion.noStream(), List.of(NewEvent.of("t.first", 1, "{}")));

                // when another writer appends version 1 too
                CompletableFuture<AppendResult> writer = CompletableFuture.supplyAsync(() ->
                        store.append(stream, ExpectedVersion.noStream(), List.of(NewEvent.of("t.second", 1, "{}"))));
                await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(() -> !writer.isDone());
                if (competitorCommits) {
                    competitor.commit();
                } else {
                    competitor.rollback();
                }

                // then it waited, and the competitor's outcome decided
                if (competitorCommits) {
                    assertThatThrownBy(() -> writer.get(10, TimeUnit.SECONDS))
                            .hasCauseInstanceOf(ConcurrencyException.class);
                    assertThat(store.read(stream)).extracting(RecordedEvent::type).containsExactly("t.first");
                } else {
                    assertThat(writer.get(10, TimeUnit.SECONDS)).isEqualTo(new AppendResult(stream, 1, 1));
                    assertThat(store.read(stream)).extracting(RecordedEvent::type).containsExactly("t.second");
                }
            }
        }
    }

    @Test
    void readAllStopsBeforeAnOpenTransactionAndGoesOnWhenItEnds() throws Exception {
        JdbcEventStore store = pg.store();
        for (boolean openOneCommits : new boolean[] {true, false}) {
            // given an open transaction that appended, and a later one that committed
            GlobalPosition start = lastPosition(store);
            AtomicReference<String> later = new AtomicReference<>();
            try (Connection open = pg.dataSource.getConnection()) {
                open.setAutoCommit(false);
                store.append(open, "open-" + openOneCommits, ExpectedVersion.any(), List.of(NewEvent.of("t.open", 1, "{}")));
                NewEvent committed = NewEvent.of("t.later", 1, "{}");
                store.append("later-" + openOneCommits, ExpectedVersion.any(), List.of(committed));
                later.set(committed.id());

                // when / then the reader does not pass the open transaction
                assertThat(store.readAll(start, 10)).isEmpty();
                assertThat(store.read("later-" + openOneCommits)).hasSize(1);
                if (openOneCommits) {
                    open.commit();
                } else {
                    open.rollback();
                }
            }

            // then it catches up in transaction order once the transaction ended
            List<String> expected = openOneCommits ? List.of("t.open", "t.later") : List.of("t.later");
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(store.readAll(start, 10))
                    .extracting(RecordedEvent::type).containsExactlyElementsOf(expected));
            assertThat(store.readAll(start, 10).get(expected.size() - 1).id()).isEqualTo(later.get());
        }
    }

    @Test
    void createsTheSchemaIdempotentlyFromSeveralInstancesAtOnce() throws Exception {
        // given
        List<CompletableFuture<Void>> creators = new ArrayList<>();

        // when
        for (int i = 0; i < 4; i++) {
            creators.add(CompletableFuture.runAsync(() -> pg.schema.create(pg.dataSource)));
        }
        CompletableFuture.allOf(creators.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);

        // then
        assertThat(pg.count("chassis_events")).isZero();
        pg.store().append("s", ExpectedVersion.any(), List.of(NewEvent.of("t.a", 1, "{}")));
        assertThat(pg.count("chassis_events")).isEqualTo(1);
    }

    private GlobalPosition lastPosition(JdbcEventStore store) throws Exception {
        long stored = pg.count("chassis_events");
        await().atMost(Duration.ofSeconds(30)).until(() -> store.readAll(GlobalPosition.START, 1000).size() == stored);
        List<RecordedEvent> all = store.readAll(GlobalPosition.START, 1000);
        return all.isEmpty() ? GlobalPosition.START : all.get(all.size() - 1).position();
    }

    private void insertOrder(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + pg.schema.schema() + ".orders VALUES (?)")) {
            ps.setString(1, id);
            ps.executeUpdate();
        }
    }
}
