package dev.chassis.testkit.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chassis.testkit.postgres.PostgresSchema;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class DatabaseFaultsIT {
    @RegisterExtension
    static final PostgresSchema pg = PostgresSchema.create();

    @Test
    void terminatesTheSessionsOfOneApplicationOnly() throws SQLException {
        // given
        DataSource relay = pg.dataSource("relay");
        DataSource other = pg.dataSource("other");
        try (Connection victim = relay.getConnection(); Connection bystander = other.getConnection()) {
            assertThat(selectOne(victim)).isEqualTo(1);

            // when
            int terminated = DatabaseFaults.using(pg.dataSource()).terminateApplication(pg.applicationName() + "-relay");

            // then
            assertThat(terminated).isEqualTo(1);
            assertThatThrownBy(() -> selectOne(victim)).isInstanceOf(SQLException.class)
                    .hasMessageContaining("terminat");
            assertThat(selectOne(bystander)).isEqualTo(1);
        }
    }

    @Test
    void terminatesEveryOtherSessionOfTheDatabaseButItsOwn() throws SQLException {
        // given a database of this test only, so no other client of the server is disturbed
        String database = "faults_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        admin("CREATE DATABASE " + database);
        try {
            String url = pg.url().substring(0, pg.url().lastIndexOf('/') + 1) + database;
            try (PostgresSchema inDatabase = PostgresSchema.create(b -> b.url(url))) {
                inDatabase.start();
                try (Connection first = inDatabase.dataSource("a").getConnection();
                        Connection second = inDatabase.dataSource("b").getConnection()) {
                    // when
                    int terminated = DatabaseFaults.using(inDatabase.dataSource()).terminateAllInDatabase();

                    // then
                    assertThat(terminated).isGreaterThanOrEqualTo(2);
                    assertThatThrownBy(() -> selectOne(first)).isInstanceOf(SQLException.class);
                    assertThatThrownBy(() -> selectOne(second)).isInstanceOf(SQLException.class);
                    try (Connection elsewhere = pg.dataSource().getConnection()) {
                        assertThat(selectOne(elsewhere)).as("other databases untouched").isEqualTo(1);
                    }
                }
            }
        } finally {
            admin("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        }
    }

    private static int selectOne(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT 1")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static void admin(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(pg.url(), pg.user(), ""); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }
}
