package dev.chassis.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.chassis.testkit.await.Await;
import dev.chassis.testkit.fault.BrokerFaults;
import dev.chassis.testkit.fault.DatabaseFaults;
import dev.chassis.testkit.fault.TcpProxy;
import dev.chassis.testkit.postgres.PostgresSchema;
import dev.chassis.testkit.rabbit.RabbitBroker;
import dev.chassis.testkit.time.TestClock;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Runs the samples of the extensions section of docs/testing.md. */
class TestHelpersDocsIT {
    @RegisterExtension
    static final PostgresSchema pg = PostgresSchema.create();

    @Test
    void keepsOrdersInASchemaOfItsOwn() throws SQLException {
        try (java.sql.Connection c = pg.dataSource().getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE orders (id text PRIMARY KEY)");   // lands in pg.schema()
            st.execute("INSERT INTO orders VALUES ('o-1')");
        }
        assertThat(pg.schema()).startsWith("test_testhelpersdocsit_");
    }

    @RegisterExtension
    static final RabbitBroker rabbit = RabbitBroker.create();

    @Test
    void declaresAQueueThatIsDeletedAfterTheTest() throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri(rabbit.uri());
        String queue = rabbit.names().queue("orders");               // test.TestHelpersDocsIT.<random>.orders
        try (Connection connection = factory.newConnection(rabbit.names().prefix());
                Channel channel = connection.createChannel()) {
            channel.queueDeclare(queue, true, false, false, null);
            assertThat(channel.queueDeclarePassive(queue).getMessageCount()).isZero();
        }
    }

    @Test
    void awaitsWhatHappensOnAnotherThread() {
        Map<String, String> orders = new ConcurrentHashMap<>();
        CompletableFuture.runAsync(() -> orders.put("o-1", "CONFIRMED"));

        Await.until("order o-1 is stored", () -> orders.containsKey("o-1"), Duration.ofSeconds(10));
        String state = Await.until("order o-1 is confirmed", () -> orders.get("o-1"), "CONFIRMED"::equals,
                Duration.ofSeconds(10));
        Await.untilAsserted("only order o-1", () -> assertThat(orders).containsOnlyKeys("o-1"), Duration.ofSeconds(10));
        assertThat(state).isEqualTo("CONFIRMED");
    }

    @Test
    void failsAWaitWithWhatWasLastSeen() {
        assertThatThrownBy(() -> Await.until("three payments", () -> countPayments(), n -> n == 3, Duration.ofMillis(200)))
                .hasMessageContaining("s for three payments, but it did not happen (")
                .hasMessageEndingWith("polls); last value: 0");
    }

    @Test
    void movesTimeByHand() {
        TestClock clock = TestClock.at("2026-03-01T00:00:00Z");
        clock.advance(Duration.ofDays(8));
        TestClock paris = clock.withZone(ZoneId.of("Europe/Paris"));   // the same instant, seen from Paris
        assertThat(LocalDate.now(paris)).isEqualTo("2026-03-09");
    }

    @Test
    void resetsAConnectionThroughAProxy() throws SQLException {
        try (TcpProxy proxy = TcpProxy.to("127.0.0.1", 5432)) {
            String url = "jdbc:postgresql://" + proxy.host() + ":" + proxy.port() + "/test";
            try (java.sql.Connection c = DriverManager.getConnection(url, "postgres", "")) {
                proxy.reset();                                      // the session's socket gets a TCP reset
                assertThatThrownBy(() -> c.createStatement().execute("SELECT 1")).isInstanceOf(SQLException.class);
            }
        }
    }

    @Test
    void terminatesTheSessionsOfOnePool() throws SQLException {
        DataSource relayPool = pg.dataSource("relay");
        try (java.sql.Connection relay = relayPool.getConnection()) {
            int terminated = DatabaseFaults.using(pg.dataSource()).terminateApplication(pg.applicationName() + "-relay");
            assertThat(terminated).isEqualTo(1);
            assertThatThrownBy(() -> relay.createStatement().execute("SELECT 1")).isInstanceOf(SQLException.class);
        }
    }

    @Test
    void closesTheBrokerConnectionsOfOneClient() throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri(rabbit.uri());
        Connection relay = factory.newConnection(rabbit.names().prefix() + ".relay");
        try {
            int closed = BrokerFaults.local().closeConnectionsNamed(rabbit.names().prefix(), "fault test");
            assertThat(closed).isEqualTo(1);
            Await.until("the relay's connection is closed", () -> !relay.isOpen(), Duration.ofSeconds(10));
        } finally {
            relay.abort();
        }
    }

    private static long countPayments() throws SQLException {
        try (java.sql.Connection c = pg.dataSource().getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS payments (id text PRIMARY KEY)");
            try (ResultSet rs = st.executeQuery("SELECT count(*) FROM payments")) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
