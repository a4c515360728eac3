package dev.chassis.core.saga;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chassis.core.envelope.Envelope;
import dev.chassis.core.jdbc.TxRunner;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Runs the PostgreSQL samples of docs/sagas.md (the Java ones verbatim; the SQL ones against a table
 * made by the shipped migration).
 */
class SagaStoreDocsIT {
    /** The monitoring and housekeeping queries of the docs, in order. */
    private static final List<String> DOCS_SQL = List.of(
            "SELECT count(*) FROM chassis_sagas\n"
                    + " WHERE state IN ('RUNNING', 'COMPENSATING') AND deadline < now() - interval '1 minute'",
            "SELECT type, state, count(*) FROM chassis_sagas\n"
                    + " WHERE state IN ('RUNNING', 'COMPENSATING') GROUP BY type, state",
            "SELECT id, type, failure, updated_at FROM chassis_sagas WHERE state = 'FAILED' ORDER BY id",
            "SELECT lease_owner, count(*) FROM chassis_sagas WHERE lease_until < now() GROUP BY lease_owner",
            "DELETE FROM chassis_sagas\n"
                    + " WHERE state IN ('COMPLETED', 'COMPENSATED') AND updated_at < now() - interval '30 days'");

    private final JdbcSagaStoreIT.Pg pg = new JdbcSagaStoreIT.Pg();

    /** The business table of the transaction sample. */
    private static final class Orders {
        private final String table;

        Orders(String table) {
            this.table = table;
        }

        void insert(Connection tx, Order order) throws SQLException {
            try (PreparedStatement insert = tx.prepareStatement("insert into " + table + "(id) values (?)")) {
                insert.setString(1, order.id());
                insert.executeUpdate();
            }
        }
    }

    private record Order(String id) {
    }

    @AfterEach
    void tearDown() throws Exception {
        pg.close();
    }

    @Test
    void startsASagaInTheTransactionOfTheBusinessChange() throws Exception {
        // given a store whose hook writes commands to a table (as the outbox does)
        DataSource dataSource = pg.dataSource;
        String s = pg.schema.schema();
        pg.execute("CREATE TABLE " + s + ".orders (id text PRIMARY KEY)");
        pg.execute("CREATE TABLE " + s + ".commands (topic text, saga_id text, message_id text)");
        SagaMessageHook commands = (tx, messages) -> {
            try (var insert = tx.prepareStatement("insert into " + s + ".commands(topic, saga_id, message_id)"
                    + " values (?, ?, ?)")) {
                for (SagaMessage m : messages) {
                    insert.setString(1, m.topic());
                    insert.setString(2, m.key());
                    insert.setString(3, m.envelope().id());
                    insert.addBatch();
                }
                insert.executeBatch();
            }
        };
        JdbcSagaStore store = JdbcSagaStore.create(dataSource, b -> b.schema(pg.schema).messageHook(commands));
        Orders orders = new Orders(s + ".orders");
        Order order = new Order("o-42");
        SagaInstance saga = saga("order-saga-o-42");
        SagaMessage reserveStock = new SagaMessage("stock.reserve", saga.id(), Envelope.builder()
                .type("stock.reserve").source("/order-service").subject(saga.id()).build());

        // when (the sample)
        TxRunner.of(dataSource).inTransaction(tx -> {
            orders.insert(tx, order);
            store.insert(tx, saga, List.of(reserveStock));
            return null;
        });

        // then the order, the saga and its command committed together
        assertThat(store.find("order-saga-o-42")).contains(saga);
        assertThat(pg.queryString("SELECT string_agg(id, ',') FROM " + s + ".orders")).isEqualTo("o-42");
        assertThat(pg.queryString("SELECT topic || ' ' || saga_id || ' ' || message_id FROM " + s + ".commands"))
                .isEqualTo("stock.reserve order-saga-o-42 " + reserveStock.envelope().id());

        // and a second start of the same order rolls back whole: the saga id is taken
        assertThatThrownBy(() -> TxRunner.of(dataSource).inTransaction(tx -> {
            orders.insert(tx, new Order("o-43"));
            store.insert(tx, saga, List.of(reserveStock));
            return null;
        })).isInstanceOf(IllegalStateException.class).hasMessageContaining("order-saga-o-42");
        assertThat(pg.queryString("SELECT count(*) FROM " + s + ".orders")).isEqualTo("1");
        assertThat(pg.queryString("SELECT count(*) FROM " + s + ".commands")).isEqualTo("1");
    }

    @Test
    void theMonitoringAndHousekeepingQueriesRunOnTheShippedTable() throws Exception {
        // given one saga of each kind the queries look for
        JdbcSagaStore store = JdbcSagaStore.create(pg.dataSource, b -> b.schema(pg.schema));
        Instant longAgo = Instant.now().minus(40, ChronoUnit.DAYS).truncatedTo(ChronoUnit.MILLIS);
        store.insert(new SagaInstance("late", "order", 1, SagaState.RUNNING, 0, 1, "{}", longAgo, 1, List.of(),
                longAgo, longAgo, null), List.of());
        store.insert(new SagaInstance("stuck", "order", 1, SagaState.FAILED, 1, 3, "{}", null, 1, List.of(), longAgo,
                longAgo, "compensation kept failing"), List.of());
        store.insert(new SagaInstance("old", "order", 1, SagaState.COMPLETED, 2, 1, "{}", null, 1, List.of(), longAgo,
                longAgo, null), List.of());
        store.lease("late", "orchestrator-gone", longAgo.plusSeconds(30));

        // when
        List<String> results = new ArrayList<>();
        TxRunner.of(pg.dataSource).inTransaction(c -> {
            try (Statement st = c.createStatement()) {
                st.execute("SET LOCAL search_path TO " + pg.schema.schema());
                for (String sql : DOCS_SQL) {
                    if (sql.startsWith("DELETE")) {
                        results.add("deleted " + st.executeUpdate(sql));
                        continue;
                    }
                    try (ResultSet rs = st.executeQuery(sql)) {
                        StringBuilder rows = new StringBuilder();
                        while (rs.next()) {
                            // the first two columns say enough
                            rows.append(rs.getString(1));
                            if (rs.getMetaData().getColumnCount() > 1) {
                                rows.append(' ').append(rs.getString(2));
                            }
                            rows.append(';');
                        }
                        results.add(rows.toString());
                    }
                }
            }
            return null;
        });

        // then
        assertThat(results).containsExactly("1;", "order RUNNING;", "stuck order;", "orchestrator-gone 1;",
                "deleted 1");
        assertThat(store.find("old")).isEmpty();
    }

    private static SagaInstance saga(String id) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        return new SagaInstance(id, "order", 1, SagaState.RUNNING, 0, 1, "{\"orderId\": \"o-42\"}", now.plusSeconds(30),
                1, List.of(new SagaTransition(now, SagaState.RUNNING, null, "started", null)), now, now, null);
    }
}
