package dev.chassis.core.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

class DataSourceHealthCheckIT {
    private HealthRegistry registry;

    @AfterEach
    void close() {
        if (registry != null) {
            registry.close();
        }
    }

    private static PGSimpleDataSource postgres(int port) {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setServerNames(new String[] {"127.0.0.1"});
        dataSource.setPortNumbers(new int[] {port});
        dataSource.setDatabaseName("test");
        dataSource.setUser("postgres");
        dataSource.setConnectTimeout(1);
        return dataSource;
    }

    private static int closedPort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Test
    void reachableDatabaseIsUpWithItsProductName() {
        // given
        HealthCheck check = HealthChecks.dataSource("db", postgres(5432));
        registry = HealthRegistry.builder().check(check).build();

        // when
        HealthReport report = registry.readiness();

        // then
        assertThat(check.kind()).isEqualTo(HealthCheck.Kind.READINESS);
        assertThat(report.isUp()).as("report %s", report).isTrue();
        assertThat(report.checks().get("db").details()).containsEntry("database", "PostgreSQL");
    }

    @Test
    void unreachableDatabaseIsDownWithTheDriversError() throws Exception {
        // given
        registry = HealthRegistry.builder().check(HealthChecks.dataSource("db", postgres(closedPort()))).build();

        // when
        HealthReport report = assertTimeoutPreemptively(Duration.ofSeconds(5), registry::readiness);

        // then
        assertThat(report.httpStatus()).isEqualTo(503);
        assertThat(report.checks().get("db").errorMessage()).hasValueSatisfying(error ->
                assertThat(error).startsWith("org.postgresql.util.PSQLException"));
        assertThat(registry.liveness().isUp()).isTrue();
    }

    @Test
    void unknownDatabaseIsDown() {
        // given
        PGSimpleDataSource dataSource = postgres(5432);
        dataSource.setDatabaseName("no_such_database_for_health");
        registry = HealthRegistry.builder().check(HealthChecks.dataSource("db", dataSource)).build();

        // when
        HealthResult result = registry.readiness().checks().get("db");

        // then
        assertThat(result.status()).isEqualTo(HealthStatus.DOWN);
        assertThat(result.errorMessage()).hasValueSatisfying(error ->
                assertThat(error).contains("no_such_database_for_health"));
    }
}
