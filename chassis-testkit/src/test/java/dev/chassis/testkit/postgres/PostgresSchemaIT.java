package dev.chassis.testkit.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

class PostgresSchemaIT {
    private static final List<String> SEEN = new CopyOnWriteArrayList<>();

    @Test
    void aStaticExtensionGivesTheClassOneSchemaAsSearchPathAndDropsItAfterwards() throws Exception {
        // when
        Events tests = run(ClassWide.class);

        // then
        tests.assertStatistics(s -> s.succeeded(2).failed(0));
        assertThat(SEEN).hasSize(2).containsOnly(SEEN.get(0));
        assertThat(SEEN.get(0)).startsWith("test_classwide_").hasSize("test_classwide_".length() + 10);
        assertThat(schemaExists(SEEN.get(0))).isFalse();
    }

    @Test
    void anInstanceExtensionGivesEachTestItsOwnSchema() throws Exception {
        // when
        Events tests = run(PerTest.class);

        // then
        tests.assertStatistics(s -> s.succeeded(2).failed(0));
        assertThat(SEEN).hasSize(2).doesNotHaveDuplicates().allMatch(schema -> schema.startsWith("it_pertest_"));
        for (String schema : SEEN) {
            assertThat(schemaExists(schema)).isFalse();
        }
    }

    @Test
    void namesTheServerAndTheVariablesWhenTheServerIsUnreachable() throws Exception {
        // given a port nobody listens on
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        String url = "jdbc:postgresql://127.0.0.1:" + port + "/test";
        PostgresSchema pg = PostgresSchema.create(b -> b.url(url));

        // when / then
        assertThatThrownBy(pg::start)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("Cannot create schema test_")
                .hasMessageContaining("on PostgreSQL at " + url + " as user 'postgres'")
                .hasMessageEndingWith("Start the server, or point CHASSIS_TEST_DATABASE_URL (and"
                        + " CHASSIS_TEST_DATABASE_USER, CHASSIS_TEST_DATABASE_PASSWORD) at one.");
    }

    @Test
    void aPoolPerRoleNamesItsSessionsAndSharesTheSchema() throws Exception {
        // given
        try (PostgresSchema pg = PostgresSchema.create()) {
            pg.start();
            DataSource relay = pg.dataSource("relay");

            // when
            try (Connection c = relay.getConnection(); Statement st = c.createStatement()) {
                st.execute("CREATE TABLE t (id int)");
                try (ResultSet rs = st.executeQuery("SELECT current_setting('application_name'), current_schema()")) {
                    rs.next();

                    // then
                    assertThat(rs.getString(1)).isEqualTo(pg.applicationName() + "-relay");
                    assertThat(rs.getString(2)).isEqualTo(pg.schema());
                }
            }
            try (Connection c = pg.dataSource().getConnection(); Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT count(*) FROM t")) {
                rs.next();
                assertThat(rs.getInt(1)).isZero();
            }
        }
    }

    @Test
    void tellsHowToUseItWhenNotStarted() {
        PostgresSchema pg = PostgresSchema.create();

        assertThatThrownBy(pg::dataSource).isInstanceOf(IllegalStateException.class)
                .hasMessage("PostgresSchema is not started: register it with @RegisterExtension or call start()");
    }

    private static Events run(Class<?> testClass) {
        SEEN.clear();
        return EngineTestKit.engine("junit-jupiter").selectors(selectClass(testClass)).execute().testEvents();
    }

    private static boolean schemaExists(String schema) throws SQLException {
        try (Connection c = DriverManager.getConnection(PostgresSchema.DEFAULT_URL, "postgres", "");
                PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM pg_namespace WHERE nspname = ?")) {
            ps.setString(1, schema);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1) == 1;
            }
        }
    }

    /** Records the schema it finds as search_path, in a table of its own. */
    static void useSchema(PostgresSchema pg) throws SQLException {
        try (Connection c = pg.dataSource().getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS seen (n int)");
            st.execute("INSERT INTO seen VALUES (1)");
            try (ResultSet rs = st.executeQuery("SELECT current_schema(), (SELECT count(*) FROM " + pg.schema() + ".seen)")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo(pg.schema());
                assertThat(rs.getInt(2)).isPositive();
            }
        }
        SEEN.add(pg.schema());
    }

    /** Two tests that each use the schema; the subclasses register the extension. */
    abstract static class SchemaUser {
        abstract PostgresSchema pg();

        @Test
        void first() throws SQLException {
            useSchema(pg());
        }

        @Test
        void second() throws SQLException {
            useSchema(pg());
        }
    }

    /** Run by the engine test kit above, not by the build. */
    static class ClassWide extends SchemaUser {
        @RegisterExtension
        static final PostgresSchema pg = PostgresSchema.create();

        @Override
        PostgresSchema pg() {
            return pg;
        }
    }

    /** Run by the engine test kit above, not by the build. */
    static class PerTest extends SchemaUser {
        @RegisterExtension
        final PostgresSchema pg = PostgresSchema.create(b -> b.schemaPrefix("it").maximumPoolSize(2));

        @Override
        PostgresSchema pg() {
            return pg;
        }
    }
}
