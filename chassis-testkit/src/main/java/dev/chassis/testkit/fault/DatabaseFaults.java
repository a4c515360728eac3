package dev.chassis.testkit.fault;

import static java.util.Objects.requireNonNull;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * Terminates PostgreSQL sessions with {@code pg_terminate_backend}, as a server restart or a killed
 * connection would: the clients see their next statement fail with an I/O error. It connects through
 * a data source whose user may terminate the sessions (a superuser, or a member of
 * {@code pg_signal_backend}); its own session is never terminated.
 *
 * <pre>{@code
 * DatabaseFaults faults = DatabaseFaults.using(pg.dataSource());
 * int terminated = faults.terminateApplication(pg.applicationName() + "-relay");
 * }</pre>
 *
 * <p>Instances are thread-safe and intended to be shared.
 */
public final class DatabaseFaults {
    private final DataSource admin;

    private DatabaseFaults(DataSource admin) {
        this.admin = admin;
    }

    /**
     * Faults through a data source.
     *
     * @param admin the connections to terminate from
     * @return the helper
     */
    public static DatabaseFaults using(DataSource admin) {
        return new DatabaseFaults(requireNonNull(admin, "admin"));
    }

    /**
     * Terminates the sessions with an {@code application_name}, in any database of the server.
     *
     * @param applicationName the exact name
     * @return how many sessions were terminated
     * @throws IllegalStateException if the statement fails
     */
    public int terminateApplication(String applicationName) {
        requireNonNull(applicationName, "applicationName");
        return terminate("application_name = ?", applicationName);
    }

    /**
     * Terminates every other client session in the current database.
     *
     * @return how many sessions were terminated
     * @throws IllegalStateException if the statement fails
     */
    public int terminateAllInDatabase() {
        return terminate("datname = current_database() AND backend_type = 'client backend'", null);
    }

    private int terminate(String where, @org.jspecify.annotations.Nullable String parameter) {
        String sql = "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE " + where
                + " AND pid <> pg_backend_pid()";
        try (Connection c = admin.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            if (parameter != null) {
                ps.setString(1, parameter);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot terminate PostgreSQL sessions (" + where + "): " + e.getMessage(), e);
        }
    }
}
