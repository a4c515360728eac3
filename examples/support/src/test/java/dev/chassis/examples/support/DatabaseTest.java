package dev.chassis.examples.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DatabaseTest {
    @Test
    void keepsJdbcUrlsAsGiven() {
        // given
        String url = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";

        // when
        String jdbc = Database.jdbcUrl(url);

        // then
        assertThat(jdbc).isEqualTo(url);
    }

    @Test
    void turnsPlatformUrlsIntoJdbcUrlsWithUserAndPasswordAsParameters() {
        // when
        String jdbc = Database.jdbcUrl("postgresql://shop:s%40cret@db.internal:6543/users?sslmode=require");
        String plain = Database.jdbcUrl("postgres://postgres@127.0.0.1/test");

        // then
        assertThat(jdbc).isEqualTo("jdbc:postgresql://db.internal:6543/users?sslmode=require&user=shop&password=s%40cret");
        assertThat(plain).isEqualTo("jdbc:postgresql://127.0.0.1/test?user=postgres");
    }

    @Test
    void refusesOtherSchemesWithoutShowingThePassword() {
        assertThatThrownBy(() -> Database.jdbcUrl("mysql://root:hunter2@db/users"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must start with jdbc:postgresql:, postgresql:// or postgres://")
                .hasMessageContaining("mysql://root:******@db/users")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void redactsPasswordParametersToo() {
        assertThat(Database.redacted("jdbc:postgresql://db/users?user=u&password=hunter2&ssl=true"))
                .isEqualTo("jdbc:postgresql://db/users?user=u&password=******&ssl=true");
    }
}
