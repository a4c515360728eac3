package dev.chassis.messaging.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.chassis.core.jdbc.TxRunner;
import dev.chassis.core.outbox.OutboxMessage;
import dev.chassis.core.outbox.OutboxRecord;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Several messages of one business change written in one statement, on the local PostgreSQL. */
class OutboxAddAllIT {
    private final PgFixture pg = new PgFixture();
    private final TxRunner tx = TxRunner.of(pg.dataSource);
    private final JdbcOutboxStore store = new JdbcOutboxStore(pg.dataSource, pg.schema);

    @AfterEach
    void tearDown() throws Exception {
        pg.close();
    }

    @Test
    void writesTheMessagesWithIdsInTheirOrderAndNotifiesTheRelayOnCommit() {
        // given
        PostgresCoordination coordination = new PostgresCoordination(pg.dataSource, pg.schema, store);
        pg.closeLater(coordination::close);
        assertThat(coordination.lead()).isTrue();
        coordination.workArrived();  // the read after starting to listen
        List<OutboxMessage> messages = List.of(
                OutboxMessage.of("order.placed", "o-1", PgFixture.envelope("placed")),
                OutboxMessage.of("order.audited", PgFixture.envelope("audited")),
                OutboxMessage.of("order.paid", "o-1", PgFixture.envelope("paid")));

        // when
        List<Long> ids = tx.inTransaction(c -> pg.outbox().addAll(c, messages));

        // then
        assertThat(ids).hasSize(3).isSorted().doesNotHaveDuplicates();
        List<OutboxRecord> unsent = store.unsent(10);
        assertThat(unsent).extracting(OutboxRecord::id).containsExactlyElementsOf(ids);
        assertThat(unsent).extracting(r -> r.message().topic()).containsExactly("order.placed", "order.audited", "order.paid");
        assertThat(unsent).extracting(r -> r.message().orderingKey()).containsExactly("o-1", null, "o-1");
        assertThat(unsent).extracting(r -> r.message().envelope().id())
                .containsExactlyElementsOf(messages.stream().map(m -> m.envelope().id()).toList());
        await().atMost(Duration.ofSeconds(5)).until(coordination::workArrived);
    }

    @Test
    void writesMoreMessagesThanOneStatementTakesAndNothingWhenTheTransactionRollsBack() {
        // given
        int count = Outbox.ROWS_PER_STATEMENT * 2 + 500;
        List<OutboxMessage> messages = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            messages.add(OutboxMessage.of("order.placed", "o-" + (i % 7), PgFixture.envelope("m-" + i)));
        }

        // when
        List<Long> ids = tx.inTransaction(c -> pg.outbox().addAll(c, messages));
        assertThatThrownBy(() -> tx.inTransaction(c -> {
            pg.outbox().addAll(c, messages.subList(0, 10));
            throw new IllegalStateException("business rule broken");
        })).hasMessageContaining("business rule broken");

        // then
        assertThat(ids).hasSize(count).isSorted().doesNotHaveDuplicates();
        assertThat(store.backlog()).isEqualTo(count);
        assertThat(store.unsent(count + 10, Set.of())).extracting(r -> r.message().envelope().id())
                .containsExactlyElementsOf(messages.stream().map(m -> m.envelope().id()).toList());
    }

    @Test
    void rejectsAnAutoCommitConnectionAndWritesNothingForNoMessages() throws Exception {
        try (Connection c = pg.dataSource.getConnection()) {
            assertThatThrownBy(() -> pg.outbox().addAll(c, List.of(OutboxMessage.of("order.placed", PgFixture.envelope("x")))))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("auto-commit");
        }
        List<Long> none = tx.inTransaction(c -> pg.outbox().addAll(c, List.of()));
        assertThat(none).isEmpty();
        assertThat(store.backlog()).isZero();
    }
}
