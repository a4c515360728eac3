package dev.chassis.core.eventsourcing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.chassis.core.jdbc.TxRunner;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Runs the store samples of docs/event-sourcing.md, which must appear here verbatim. */
class EventStoreDocsIT {
    private final StorePg pg = new StorePg(4);

    /** What the readAll sample feeds. */
    private static final class Projection {
        final List<String> types = new ArrayList<>();

        void apply(RecordedEvent event) {
            types.add(event.type());
        }
    }

    @AfterEach
    void tearDown() throws Exception {
        pg.close();
    }

    @Test
    void modelAndConcurrency() {
        EventStore store = new InMemoryEventStore();
        AppendResult placed = store.append("order-42", ExpectedVersion.noStream(),
                List.of(NewEvent.of("order.placed", 1, "{\"total\": 1250}")));
        store.append("order-42", placed.nextExpectedVersion(),
                List.of(NewEvent.of("order.paid", 1, "{\"amount\": 1250}")));
        List<RecordedEvent> history = store.read("order-42");

        assertThat(history).extracting(RecordedEvent::version).containsExactly(1L, 2L);

        try {
            store.append("order-42", ExpectedVersion.exactly(1), List.of(NewEvent.of("order.cancelled", 1, "{}")));
        } catch (ConcurrencyException e) {
            long actual = e.actual(); // reload the stream from here and decide again
        }

        assertThat(store.read("order-42")).extracting(RecordedEvent::type).containsExactly("order.placed", "order.paid");
    }

    @Test
    void schemaInADatabaseOfItsOwn() throws Exception {
        // the sample's schema name is fixed, so it runs in a database created for this test
        String database = "es_docs_" + pg.schema.schema();
        pg.execute("CREATE DATABASE " + database);
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(StorePg.URL.substring(0, StorePg.URL.lastIndexOf('/') + 1) + database);
        config.setUsername(System.getProperty("chassis.pg.user", "postgres"));
        try (HikariDataSource dataSource = new HikariDataSource(config)) {
            EventStoreSchema schema = EventStoreSchema.of("orders");
            schema.create(dataSource);
            JdbcEventStore store = JdbcEventStore.create(dataSource, b -> b.schema(schema));

            assertThat(store.append("order-42", ExpectedVersion.noStream(), List.of(NewEvent.of("order.placed", 1, "{}"))))
                    .isEqualTo(new AppendResult("order-42", 1, 1));
            assertThat(store.schema().qualifiedTable()).isEqualTo("orders.chassis_events");
        } finally {
            pg.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        }
    }

    @Test
    void callersTransactionAndReadingTheWholeStore() throws Exception {
        DataSource dataSource = pg.dataSource;
        JdbcEventStore store = pg.store();
        pg.execute("CREATE TABLE " + pg.schema.schema() + ".orders (id text PRIMARY KEY)");

        TxRunner.of(dataSource).inTransaction(tx -> {
            insertOrderRow(tx, "o-42");
            return store.append(tx, "order-o-42", ExpectedVersion.noStream(),
                    List.of(NewEvent.of("order.placed", 1, "{\"total\": 1250}")));
        });
        store.append("order-o-42", ExpectedVersion.exactly(1), List.of(NewEvent.of("order.paid", 1, "{}")));
        assertThat(pg.count("orders")).isEqualTo(1);
        await().atMost(Duration.ofSeconds(30)).until(() -> store.readAll(GlobalPosition.START, 10).size() == 2);

        Projection projection = new Projection();
        GlobalPosition checkpoint = GlobalPosition.START;
        for (List<RecordedEvent> page; !(page = store.readAll(checkpoint, 500)).isEmpty(); ) {
            for (RecordedEvent event : page) {
                projection.apply(event);
                checkpoint = event.position();
            }
        }

        assertThat(projection.types).containsExactly("order.placed", "order.paid");
        assertThat(checkpoint).isEqualTo(store.read("order-o-42").get(1).position());
    }

    private void insertOrderRow(Connection tx, String id) throws SQLException {
        try (PreparedStatement ps = tx.prepareStatement("INSERT INTO " + pg.schema.schema() + ".orders VALUES (?)")) {
            ps.setString(1, id);
            ps.executeUpdate();
        }
    }
}
