package dev.chassis.examples.support;

import static java.util.Objects.requireNonNull;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.chassis.core.NonRetryableException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import javax.sql.DataSource;

/**
 * A pool of connections to a service's PostgreSQL, made from a URL. Accepts the JDBC form
 * ({@code jdbc:postgresql://host:5432/db?user=u&password=p}) and the form most platforms hand out
 * ({@code postgresql://u:p@host:5432/db} or {@code postgres://...}). The pool holds at most
 * {@value #MAX_POOL_SIZE} connections and waits at most 5 s for one. Instances are thread-safe;
 * close the database when the service stops.
 *
 * <pre>{@code
 * try (Database database = Database.connect("postgresql://postgres@127.0.0.1:5432/users", "user-service")) {
 *     DataSource dataSource = database.dataSource();
 * }
 * }</pre>
 */
public final class Database implements AutoCloseable {
    /** The largest number of pooled connections. */
    public static final int MAX_POOL_SIZE = 8;

    private final HikariDataSource pool;

    private Database(HikariDataSource pool) {
        this.pool = pool;
    }

    /**
     * Opens a pool; the first connection is made at once, so a wrong URL fails here.
     *
     * @param url the database URL, in either form
     * @param name the pool's name in logs and thread names, e.g. the service's name
     * @return the database
     * @throws IllegalArgumentException if the URL is neither form
     * @throws NonRetryableException if no connection can be made; the message names the URL without its password
     */
    public static Database connect(String url, String name) {
        requireNonNull(url, "url");
        requireNonNull(name, "name");
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl(url));
        config.setPoolName(name);
        config.setMaximumPoolSize(MAX_POOL_SIZE);
        config.setMinimumIdle(1);
        config.setConnectionTimeout(Duration.ofSeconds(5).toMillis());
        try {
            return new Database(new HikariDataSource(config));
        } catch (RuntimeException e) {
            throw new NonRetryableException("cannot connect to the database " + redacted(url) + " (" + e.getMessage()
                    + "); check DATABASE_URL and that PostgreSQL is running", e);
        }
    }

    /**
     * The JDBC URL for a database URL in either form; user and password move into parameters.
     *
     * @param url e.g. {@code postgresql://u:p@host:5432/db?sslmode=require}
     * @return e.g. {@code jdbc:postgresql://host:5432/db?sslmode=require&user=u&password=p}
     * @throws IllegalArgumentException if the URL is neither form
     */
    public static String jdbcUrl(String url) {
        requireNonNull(url, "url");
        String trimmed = url.strip();
        if (trimmed.startsWith("jdbc:postgresql:")) {
            return trimmed;
        }
        if (!trimmed.startsWith("postgresql://") && !trimmed.startsWith("postgres://")) {
            throw new IllegalArgumentException("database URL must start with jdbc:postgresql:, postgresql:// or"
                    + " postgres://, was " + redacted(trimmed));
        }
        URI uri;
        try {
            uri = new URI(trimmed);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("malformed database URL " + redacted(trimmed) + ": " + e.getReason(), e);
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("database URL needs a host, was " + redacted(trimmed));
        }
        StringBuilder jdbc = new StringBuilder("jdbc:postgresql://").append(uri.getHost());
        if (uri.getPort() != -1) {
            jdbc.append(':').append(uri.getPort());
        }
        jdbc.append(uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath());
        StringBuilder query = new StringBuilder(uri.getRawQuery() == null ? "" : uri.getRawQuery());
        String userInfo = uri.getRawUserInfo();
        if (userInfo != null) {
            String[] parts = userInfo.split(":", 2);
            appendParam(query, "user", parts[0]);
            if (parts.length == 2) {
                appendParam(query, "password", parts[1]);
            }
        }
        if (query.length() > 0) {
            jdbc.append('?').append(query);
        }
        return jdbc.toString();
    }

    private static void appendParam(StringBuilder query, String name, String rawValue) {
        if (query.length() > 0) {
            query.append('&');
        }
        // the value stays percent-encoded: the driver decodes parameters itself
        query.append(name).append('=').append(rawValue);
    }

    /** The URL with any password replaced, for messages. */
    static String redacted(String url) {
        return url.replaceAll("(//[^/:@]*):[^@/]*@", "$1:******@")
                .replaceAll("(?i)(password=)[^&]*", "$1******");
    }

    /** @return the pooled data source */
    public DataSource dataSource() {
        return pool;
    }

    /** Closes the pool's connections. Idempotent. */
    @Override
    public void close() {
        pool.close();
    }
}
