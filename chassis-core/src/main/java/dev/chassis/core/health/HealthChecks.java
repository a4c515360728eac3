package dev.chassis.core.health;

import static java.util.Objects.requireNonNull;

import java.sql.Connection;
import java.util.Map;
import javax.sql.DataSource;

/**
 * Ready-made checks. Each returns a new immutable {@link HealthCheck}; the checks are thread-safe
 * as long as what they probe is.
 */
public final class HealthChecks {
    private static final int VALIDATION_TIMEOUT_SECONDS = 1;

    private HealthChecks() {}

    /**
     * A readiness check that borrows a connection and validates it with
     * {@link Connection#isValid(int) isValid(1)}. UP carries the database product name as
     * {@code details.database}; a connection that cannot be opened or is not valid is DOWN.
     *
     * <pre>{@code
     * HealthCheck db = HealthChecks.dataSource("db", dataSource);
     * }</pre>
     *
     * @param name the check's name, e.g. {@code "db"}
     * @param dataSource the data source; a pool is best, so the check does not open a connection each time
     * @return the readiness check
     */
    public static HealthCheck dataSource(String name, DataSource dataSource) {
        requireNonNull(dataSource, "dataSource");
        return HealthCheck.readiness(name, () -> {
            try (Connection connection = dataSource.getConnection()) {
                if (!connection.isValid(VALIDATION_TIMEOUT_SECONDS)) {
                    return HealthResult.down("connection is not valid");
                }
                return HealthResult.up(Map.of("database", connection.getMetaData().getDatabaseProductName()));
            }
        });
    }
}
