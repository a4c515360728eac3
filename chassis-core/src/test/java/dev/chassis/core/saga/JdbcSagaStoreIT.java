package dev.chassis.core.saga;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.chassis.core.NonRetryableException;
import dev.chassis.core.envelope.Envelope;
import dev.chassis.core.jdbc.TxRunner;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What only the PostgreSQL store does: the message hook, the caller's transaction, the schema and its
 * indexes. The SagaStore promises themselves are checked by the testkit's compatibility kit.
 */
class JdbcSagaStoreIT {
    private static final Instant NOW = Instant.parse("2026-01-01T10:00:00Z");

    private final Pg pg = new Pg();
    private final List<SagaMessage> hooked = new ArrayList<>();
    private final JdbcSagaStore store = JdbcSagaStore.create(pg.dataSource, b -> b.schema(pg.schema)
            .messageHook((tx, messages) -> hooked.addAll(messages)));

    @AfterEach
    void tearDown() throws Exception {
        pg.close();
    }

    @Test
    void refusesTransitionsWithMessagesWithoutAHookAndStoresNothing() {
        // given
        JdbcSagaStore noHook = JdbcSagaStore.create(pg.dataSource, b -> b.schema(pg.schema));
        SagaInstance saga = saga("s-1");

        // when / then
        assertThatThrownBy(() -> noHook.insert(saga, List.of(message(saga))))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("configure a message hook")
                .hasMessageContaining("'s-1'");
        assertThat(noHook.find("s-1")).isEmpty();
        noHook.insert(saga, List.of());
        SagaInstance next = next(saga);
        assertThatThrownBy(() -> noHook.update(next, List.of(message(next))))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("configure a message hook");
        assertThat(noHook.find("s-1")).contains(saga);
        assertThat(noHook.update(next, List.of())).isTrue();
    }

    @Test
    void callsTheHookOnlyForStoredTransitionsWithMessages() {
        // given
        SagaInstance saga = saga("s-1");
        SagaMessage first = message(saga);

        // when
        store.insert(saga, List.of(first));
        store.update(next(saga), List.of());
        SagaMessage refused = message(saga);
        boolean staleStored = store.update(next(saga), List.of(refused));

        // then
        assertThat(staleStored).isFalse();
        assertThat(hooked).containsExactly(first);
    }

    @Test
    void aFailingHookRollsTheSaveBack() {
        // given
        JdbcSagaStore failing = JdbcSagaStore.create(pg.dataSource, b -> b.schema(pg.schema).messageHook((tx, m) -> {
            throw new SQLException("outbox table missing", "42P01");
        }));
        SagaInstance saga = saga("s-1");
        store.insert(saga, List.of());
        SagaInstance next = next(saga);

        // when / then
        assertThatThrownBy(() -> failing.insert(saga("s-2"), List.of(message(saga))))
                .isInstanceOf(NonRetryableException.class).hasMessageContaining("'s-2'")
                .hasMessageContaining("outbox table missing");
        assertThatThrownBy(() -> failing.update(next, List.of(message(next))))
                .isInstanceOf(NonRetryableException.class).hasMessageContaining("'s-1'");
        assertThat(store.find("s-2")).isEmpty();
        assertThat(store.find("s-1")).contains(saga);
    }

    @Test
    void theCallersTransactionStaysUsableAfterADuplicateIdAndALostUpdate() {
        // given
        SagaInstance existing = saga("s-1");
        store.insert(existing, List.of());
        SagaInstance stale = next(next(existing));

        // when
        List<String> outcomes = TxRunner.of(pg.dataSource).inTransaction(tx -> {
            List<String> seen = new ArrayList<>();
            try {
                store.insert(tx, saga("s-1"), List.of());
            } catch (IllegalStateException e) {
                seen.add("duplicate");
            }
            seen.add("update " + store.update(tx, stale, List.of(message(stale))));
            store.insert(tx, saga("s-2"), List.of());
            seen.add("update " + store.update(tx, next(existing), List.of()));
            return seen;
        });

        // then
        assertThat(outcomes).containsExactly("duplicate", "update false", "update true");
        assertThat(store.find("s-2")).isPresent();
        assertThat(store.find("s-1").orElseThrow().revision()).isEqualTo(2);
        assertThat(hooked).isEmpty();
    }

    @Test
    void rejectsAConnectionInAutoCommitMode() throws Exception {
        try (Connection c = pg.dataSource.getConnection()) {
            assertThatThrownBy(() -> store.insert(c, saga("s-1"), List.of()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("auto-commit");
            assertThatThrownBy(() -> store.update(c, next(saga("s-1")), List.of()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("auto-commit");
        }
        assertThat(store.find("s-1")).isEmpty();
    }

    @Test
    void betweenProcessesTheInsertDecidesWhoStartsASagaAndItsLeaseIsStoredWithIt() throws Exception {
        // given two store instances, as in two processes, with clocks ahead of the leases' start
        JdbcSagaStore other = JdbcSagaStore.create(pg.dataSource, b -> b.schema(pg.schema));
        Instant until = Instant.now().plusSeconds(60).truncatedTo(ChronoUnit.MILLIS);

        // when both claim the id of a saga not stored yet, and both insert it
        boolean mine = store.lease("s-1", "o-1", until);
        boolean theirs = other.lease("s-1", "o-2", until);
        store.insert(saga("s-1"), List.of());
        Throwable lost = catchThrowable(() -> other.insert(saga("s-1"), List.of()));

        // then
        assertThat(mine).isTrue();
        assertThat(theirs).isTrue();
        assertThat(lost).isInstanceOf(IllegalStateException.class).hasMessageContaining("'s-1'");
        assertThat(pg.queryString("SELECT lease_owner || ' ' || (lease_until = '" + until + "') FROM "
                + pg.schema.qualifiedTable())).isEqualTo("o-1 true");
        assertThat(other.lease("s-1", "o-2", until)).isFalse();
        other.release("s-1", "o-2");
        assertThat(other.lease("s-1", "o-2", until)).isFalse();
    }

    @Test
    void checksLimits() {
        // when / then
        assertThatThrownBy(() -> store.due(NOW, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("limit");
        assertThatThrownBy(() -> store.inState(SagaState.RUNNING, "", -1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("limit");
    }

    @Test
    void storesDataAsJsonbAndRefusesTextThatIsNotJson() throws Exception {
        // given
        SagaInstance spaced = new SagaInstance("s-1", "order", 1, SagaState.RUNNING, 0, 1, "{ \"b\":1,\"a\" : [1,2] }",
                null, 1, List.of(), NOW, NOW, null);
        SagaInstance broken = new SagaInstance("s-2", "order", 1, SagaState.RUNNING, 0, 1, "{not json", null, 1,
                List.of(), NOW, NOW, null);

        // when
        store.insert(spaced, List.of());

        // then
        assertThat(store.find("s-1").orElseThrow().data()).isEqualTo("{\"a\": [1, 2], \"b\": 1}");
        assertThat(pg.queryString("SELECT jsonb_typeof(history) || ' ' || (data->>'b') FROM " + pg.schema.qualifiedTable()))
                .isEqualTo("array 1");
        assertThatThrownBy(() -> store.insert(broken, List.of())).isInstanceOf(NonRetryableException.class)
                .hasMessageContaining("'s-2'");
    }

    @Test
    void truncatesTimeColumnsToMicrosecondsAndKeepsTheHistoryWhole() {
        // given instants finer than timestamptz keeps
        Instant fine = Instant.parse("2026-01-01T10:00:00.123456789Z");
        List<SagaTransition> history = List.of(new SagaTransition(fine, SagaState.RUNNING, null, "started", null));
        store.insert(new SagaInstance("s-1", "order", 1, SagaState.RUNNING, 0, 1, "{}", fine, 1, history, fine, fine,
                null), List.of());

        // when
        SagaInstance found = store.find("s-1").orElseThrow();

        // then
        Instant micros = Instant.parse("2026-01-01T10:00:00.123456Z");
        assertThat(found.deadline()).isEqualTo(micros);
        assertThat(found.createdAt()).isEqualTo(micros);
        assertThat(found.updatedAt()).isEqualTo(micros);
        assertThat(found.history()).isEqualTo(history);
        assertThat(store.due(fine, 10)).extracting(SagaInstance::id).containsExactly("s-1");
    }

    @Test
    void createsTheSchemaIdempotentlyFromSeveralInstancesAtOnce() throws Exception {
        // given a schema nobody created yet
        SagaSchema fresh = SagaSchema.of(pg.schema.schema() + "_x");
        int instances = 4;
        CyclicBarrier start = new CyclicBarrier(instances);
        ExecutorService pool = Executors.newFixedThreadPool(instances);
        try {
            // when
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < instances; i++) {
                done.add(pool.submit(() -> {
                    start.await(10, TimeUnit.SECONDS);
                    fresh.create(pg.dataSource);
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
            fresh.create(pg.dataSource);

            // then
            assertThat(pg.queryString("SELECT string_agg(indexname, ',' ORDER BY indexname) FROM pg_indexes"
                    + " WHERE schemaname = '" + fresh.schema() + "'"))
                    .isEqualTo("chassis_sagas_due,chassis_sagas_pkey,chassis_sagas_state_id");
        } finally {
            pool.shutdownNow();
            pg.execute("DROP SCHEMA IF EXISTS " + fresh.schema() + " CASCADE");
        }
    }

    @Test
    void dueAndInStateCanUseTheirIndexes() throws Exception {
        // given
        SagaSql sql = new SagaSql(pg.schema.qualifiedTable());
        store.insert(saga("s-1"), List.of());

        // when the planner may not scan the table
        String due = pg.explain(sql.due.replace("?", "now()").replace("LIMIT now()", "LIMIT 10"));
        String inState = pg.explain(sql.inState.replaceFirst("\\?", "'RUNNING'").replaceFirst("\\?", "''")
                .replace("LIMIT ?", "LIMIT 10"));

        // then
        assertThat(due).contains("chassis_sagas_due");
        assertThat(inState).contains("chassis_sagas_state_id");
    }

    private static SagaInstance saga(String id) {
        return new SagaInstance(id, "order", 1, SagaState.RUNNING, 0, 1, "{}", NOW.plusSeconds(30), 1,
                List.of(new SagaTransition(NOW, SagaState.RUNNING, null, "started", null)), NOW, NOW, null);
    }

    private static SagaInstance next(SagaInstance s) {
        List<SagaTransition> history = new ArrayList<>(s.history());
        history.add(new SagaTransition(NOW, SagaState.RUNNING, "step-" + s.step(), "step-succeeded", null));
        return new SagaInstance(s.id(), s.type(), s.definitionVersion(), SagaState.RUNNING, s.step() + 1, 1, s.data(),
                NOW.plusSeconds(60), s.revision() + 1, history, s.createdAt(), NOW, null);
    }

    private static SagaMessage message(SagaInstance saga) {
        return new SagaMessage("stock.reserve", saga.id(), Envelope.builder().type("stock.reserve")
                .source("/order-saga").subject(saga.id()).build());
    }

    /** The local PostgreSQL for one saga test: a schema of its own with the saga table, dropped on close. */
    static final class Pg implements AutoCloseable {
        static final String URL = System.getProperty("chassis.pg.url", "jdbc:postgresql://127.0.0.1:5432/test");

        final SagaSchema schema = SagaSchema.of("saga_it_" + UUID.randomUUID().toString().replace("-", "")
                .substring(0, 12));
        final HikariDataSource dataSource;

        Pg() {
            HikariConfig config = new HikariConfig();
            config.setJdbcUrl(URL);
            config.setUsername(System.getProperty("chassis.pg.user", "postgres"));
            config.setMaximumPoolSize(8);
            config.setConnectionTimeout(10_000);
            dataSource = new HikariDataSource(config);
            schema.create(dataSource);
        }

        void execute(String sql) throws Exception {
            try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
                st.execute(sql);
            }
        }

        String queryString(String sql) throws Exception {
            try (Connection c = dataSource.getConnection(); Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery(sql)) {
                rs.next();
                return rs.getString(1);
            }
        }

        /** The plan of a query with sequential scans disabled, as one text. */
        String explain(String query) throws Exception {
            return TxRunner.of(dataSource).inTransaction(c -> {
                StringBuilder plan = new StringBuilder();
                try (Statement st = c.createStatement()) {
                    st.execute("SET LOCAL enable_seqscan = off");
                    try (ResultSet rs = st.executeQuery("EXPLAIN " + query)) {
                        while (rs.next()) {
                            plan.append(rs.getString(1)).append('\n');
                        }
                    }
                }
                return plan.toString();
            });
        }

        @Override
        public void close() throws Exception {
            try {
                execute("DROP SCHEMA IF EXISTS " + schema.schema() + " CASCADE");
            } finally {
                dataSource.close();
            }
        }
    }
}
