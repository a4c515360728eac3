package dev.chassis.core.eventsourcing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chassis.core.NonRetryableException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/** The snapshot store contract and more against the local PostgreSQL; each test has its own schema. */
class JdbcSnapshotStoreIT extends SnapshotStoreContract {
    private final SnapshotSchema schema = SnapshotSchema.of("snapshots_it_" + UUID.randomUUID().toString()
            .replace("-", "").substring(0, 12));
    private final PGSimpleDataSource dataSource = new PGSimpleDataSource();
    private JdbcSnapshotStore store;

    @BeforeEach
    void createTable() {
        dataSource.setURL(System.getProperty("chassis.test.jdbc-url", "jdbc:postgresql://127.0.0.1:5432/test"));
        dataSource.setUser("postgres");
        schema.create(dataSource);
        store = JdbcSnapshotStore.of(dataSource, schema);
    }

    @AfterEach
    void dropSchema() throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
            st.execute("DROP SCHEMA IF EXISTS " + schema.schema() + " CASCADE");
        }
    }

    @Override
    protected SnapshotStore store() {
        return store;
    }

    @Test
    void creatingTheTableIsIdempotentAndSafeConcurrently() throws Exception {
        // given
        store.save(new Snapshot("order-1", 4, "order.state", 1, "{}"));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        CountDownLatch start = new CountDownLatch(1);
        SnapshotSchema fresh = SnapshotSchema.of(schema.schema() + "_b");

        // when both the existing and a fresh schema are created by 4 threads at once
        List<Future<?>> done = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                done.add(pool.submit(() -> {
                    start.await();
                    schema.create(dataSource);
                    fresh.create(dataSource);
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get(30, TimeUnit.SECONDS);
            }

            // then
            assertThat(store.latest("order-1")).isPresent();
            assertThat(JdbcSnapshotStore.of(dataSource, fresh).latest("order-1")).isEmpty();
        } finally {
            pool.shutdown();
            try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
                st.execute("DROP SCHEMA IF EXISTS " + fresh.schema() + " CASCADE");
            }
        }
    }

    @Test
    void theStateIsStoredAsJsonb() throws SQLException {
        // given
        store.save(new Snapshot("order-1", 4, "order.state", 1, "{\"customer\": \"ada\", \"totalCents\": 1250}"));

        // when
        String customer;
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT state->>'customer' FROM " + schema.qualifiedTable())) {
            rs.next();
            customer = rs.getString(1);
        }

        // then
        assertThat(customer).isEqualTo("ada");
    }

    @Test
    void stateThatIsNotJsonIsRejected() {
        assertThatThrownBy(() -> store.save(new Snapshot("order-1", 4, "order.state", 1, "not json")))
                .isInstanceOf(NonRetryableException.class)
                .hasMessageContaining("SQLSTATE 22P02");
        assertThat(store.latest("order-1")).isEmpty();
    }

    @Test
    void concurrentWritersLeaveTheHighestVersion() throws Exception {
        // given
        int writers = 8;
        int versionsEach = 25;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        AtomicInteger kept = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);

        // when every writer saves its share of versions 1..200, in shuffled order
        List<Future<?>> done = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            int offset = w;
            done.add(pool.submit(() -> {
                start.await();
                List<Integer> versions = new ArrayList<>();
                for (int i = 0; i < versionsEach; i++) {
                    versions.add(1 + offset + i * writers);
                }
                java.util.Collections.shuffle(versions);
                for (int v : versions) {
                    if (store.save(new Snapshot("order-1", v, "order.state", 1, "{\"v\":" + v + "}"))) {
                        kept.incrementAndGet();
                    } else {
                        refused.incrementAndGet();
                    }
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> f : done) {
            f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();

        // then
        Snapshot latest = store.latest("order-1").orElseThrow();
        System.out.printf("writers=%d saves=%d kept=%d refused=%d latest=%d%n", writers, writers * versionsEach,
                kept.get(), refused.get(), latest.version());
        assertThat(latest.version()).isEqualTo(writers * versionsEach);
        assertThat(latest.state()).isEqualTo("{\"v\": " + writers * versionsEach + "}");
        assertThat(kept.get() + refused.get()).isEqualTo(writers * versionsEach);
    }

    @Test
    void aRepositoryLoadsFromAStoredSnapshot() {
        // given
        InMemoryEventStore events = new InMemoryEventStore();
        Repository<Order> orders = Repository.builder(Order.class, Order::new).eventStore(events)
                .eventTypes(Order.types()).streamPrefix("order-").snapshots(store, 2).build();
        Order order = new Order("42");
        order.place("ada");
        order.addItem("book", 2, 1500);
        order.addItem("pen", 1, 200);
        orders.save(order);

        // when
        Order loaded = orders.load("42").orElseThrow();

        // then
        assertThat(store.latest("order-42").orElseThrow()).extracting(Snapshot::version, Snapshot::type, Snapshot::typeVersion)
                .containsExactly(3L, "order.state", 2);
        assertThat(loaded.snapshot()).isEqualTo(order.snapshot());
        assertThat(loaded.version()).isEqualTo(3);
    }

    @Test
    void theDocumentedSetupWorks() {
        // given
        String schemaName = schema.schema();

        // when
        SnapshotSchema snapshotSchema = SnapshotSchema.of(schemaName);
        snapshotSchema.create(dataSource);
        SnapshotStore snapshots = JdbcSnapshotStore.of(dataSource, snapshotSchema);

        // then
        assertThat(snapshots.save(new Snapshot("account-7", 100, "account.balance", 1, "{\"amount\":100}"))).isTrue();
        assertThat(store.latest("account-7")).isPresent();
    }

    @Test
    void theMigrationShipsWithTheJar() {
        assertThat(SnapshotSchema.migrationSql()).contains("CREATE TABLE IF NOT EXISTS chassis_snapshots");
        assertThat(SnapshotSchema.statements()).hasSize(1);
    }
}
