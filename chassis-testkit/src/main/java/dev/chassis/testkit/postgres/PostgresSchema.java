package dev.chassis.testkit.postgres;

import static java.util.Objects.requireNonNull;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.jspecify.annotations.Nullable;

/**
 * A JUnit 5 extension that gives a test class a fresh, uniquely named schema on a real PostgreSQL
 * server and a small connection pool whose sessions use it as their {@code search_path}; afterwards
 * the pool is closed and the schema dropped with everything in it.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final PostgresSchema pg = PostgresSchema.create();
 *
 * @Test
 * void storesOrders() throws SQLException {
 *     try (Connection c = pg.dataSource().getConnection(); Statement st = c.createStatement()) {
 *         st.execute("CREATE TABLE orders (id text PRIMARY KEY)");   // lands in pg.schema()
 *     }
 * }
 * }</pre>
 *
 * <p>Registered in a {@code static} field the schema lives for the test class (and its
 * {@code @Nested} classes); in an instance field, for each test. Outside JUnit, {@link #start()} and
 * {@link #close()} do the same.
 *
 * <p>The server is {@value #URL_VARIABLE} (default {@value #DEFAULT_URL}), the user
 * {@value #USER_VARIABLE} (default {@code postgres}) and the password {@value #PASSWORD_VARIABLE}
 * (default empty), unless the builder says otherwise. Every session of the pools carries an
 * {@code application_name} starting with the schema's name, so a test can terminate them with
 * {@link dev.chassis.testkit.fault.DatabaseFaults}.
 *
 * <p>Instances are thread-safe; tests of one class running in parallel share the schema.
 */
public final class PostgresSchema implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback,
        AfterEachCallback, AutoCloseable {
    /** The environment variable naming the JDBC URL of the server: {@value}. */
    public static final String URL_VARIABLE = "CHASSIS_TEST_DATABASE_URL";
    /** The environment variable naming the user: {@value}. */
    public static final String USER_VARIABLE = "CHASSIS_TEST_DATABASE_USER";
    /** The environment variable holding the password: {@value}. */
    public static final String PASSWORD_VARIABLE = "CHASSIS_TEST_DATABASE_PASSWORD";
    /** The server used when {@value #URL_VARIABLE} is not set: {@value}. */
    public static final String DEFAULT_URL = "jdbc:postgresql://127.0.0.1:5432/test";

    private static final int MAX_IDENTIFIER = 63;

    private final String url;
    private final String user;
    private final String password;
    private final String prefix;
    private final int maximumPoolSize;
    private final Object lock = new Object();
    private @Nullable Started started;
    private @Nullable String owner;

    private PostgresSchema(Builder b) {
        this.url = b.url;
        this.user = b.user;
        this.password = b.password;
        this.prefix = b.prefix;
        this.maximumPoolSize = b.maximumPoolSize;
    }

    /**
     * An extension on the server named by the environment (or the local default).
     *
     * @return the extension, not yet started
     */
    public static PostgresSchema create() {
        return builder().build();
    }

    /**
     * An extension configured by the given function on a builder preset from the environment.
     *
     * @param configuration sets what differs from the defaults
     * @return the extension, not yet started
     */
    public static PostgresSchema create(Consumer<Builder> configuration) {
        Builder b = builder();
        requireNonNull(configuration, "configuration").accept(b);
        return b.build();
    }

    /**
     * A builder preset from {@value #URL_VARIABLE}, {@value #USER_VARIABLE} and
     * {@value #PASSWORD_VARIABLE}.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The pooled data source of this schema: at most {@code maximumPoolSize} connections (5 unless
     * configured), each with {@code search_path} set to {@link #schema()}. Closed by the extension.
     *
     * @return the data source
     * @throws IllegalStateException if the extension has not started
     */
    public DataSource dataSource() {
        return state().pools.get(0);
    }

    /**
     * Another pool on this schema whose sessions are named {@code <schema>-<role>}, for a test that
     * needs to tell its components' connections apart (for example to terminate only a relay's).
     * Closed by the extension.
     *
     * @param role a short name of the pool's user, letters, digits, {@code -} and {@code _}
     * @return a new data source
     * @throws IllegalStateException if the extension has not started
     */
    public DataSource dataSource(String role) {
        requireNonNull(role, "role");
        if (!role.matches("[A-Za-z0-9_-]+")) {
            throw new IllegalArgumentException("role must be letters, digits, '-' or '_', was '" + role + "'");
        }
        Started s = state();
        synchronized (lock) {
            HikariDataSource pool = pool(s.schema, s.schema + "-" + role);
            s.pools.add(pool);
            return pool;
        }
    }

    /**
     * @return the name of the schema, lower case, unique per start
     * @throws IllegalStateException if the extension has not started
     */
    public String schema() {
        return state().schema;
    }

    /**
     * @return the {@code application_name} of the sessions of {@link #dataSource()}; that of
     *     {@link #dataSource(String)} is this name, {@code -} and the role
     * @throws IllegalStateException if the extension has not started
     */
    public String applicationName() {
        return state().schema;
    }

    /** @return the JDBC URL of the server */
    public String url() {
        return url;
    }

    /** @return the user the pools connect as */
    public String user() {
        return user;
    }

    /**
     * Creates the schema and the pool. Called by JUnit; call it yourself outside JUnit.
     *
     * @throws IllegalStateException if the server cannot be reached or the schema not created; the
     *     message names the URL and user
     */
    public void start() {
        start(prefix);
    }

    /** Drops the schema (with everything in it) and closes the pools; does nothing if not started. */
    @Override
    public void close() {
        Started s;
        synchronized (lock) {
            s = started;
            started = null;
            owner = null;
        }
        if (s != null) {
            s.pools.forEach(HikariDataSource::close);
            execute("DROP SCHEMA IF EXISTS " + s.schema + " CASCADE", "drop schema " + s.schema);
        }
    }

    /** Starts for the test class, unless an enclosing class's start still holds. */
    @Override
    public void beforeAll(ExtensionContext context) {
        startFor(context);
    }

    /** Starts for the test, if no class-wide start holds (the extension is in an instance field). */
    @Override
    public void beforeEach(ExtensionContext context) {
        startFor(context);
    }

    /** Ends what {@link #beforeEach} started. */
    @Override
    public void afterEach(ExtensionContext context) {
        closeFor(context);
    }

    /** Ends what {@link #beforeAll} started. */
    @Override
    public void afterAll(ExtensionContext context) {
        closeFor(context);
    }

    private void startFor(ExtensionContext context) {
        synchronized (lock) {
            if (started == null) {
                start(prefix + "_" + context.getTestClass().map(Class::getSimpleName).orElse("test"));
                owner = context.getUniqueId();
            }
        }
    }

    private void closeFor(ExtensionContext context) {
        synchronized (lock) {
            if (!context.getUniqueId().equals(owner)) {
                return;
            }
        }
        close();
    }

    private void start(String namePrefix) {
        synchronized (lock) {
            if (started != null) {
                throw new IllegalStateException("PostgresSchema " + started.schema + " is already started");
            }
            String schema = uniqueName(namePrefix);
            execute("CREATE SCHEMA " + schema, "create schema " + schema);
            Started s = new Started(schema);
            try {
                s.pools.add(pool(schema, schema));
            } catch (RuntimeException e) {
                execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE", "drop schema " + schema);
                throw e;
            }
            started = s;
        }
    }

    private static String uniqueName(String namePrefix) {
        String suffix = "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        String base = namePrefix.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        return base.substring(0, Math.min(base.length(), MAX_IDENTIFIER - suffix.length())) + suffix;
    }

    private HikariDataSource pool(String schema, String applicationName) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setUsername(user);
        config.setPassword(password);
        config.setPoolName(applicationName);
        config.setMaximumPoolSize(maximumPoolSize);
        config.setMinimumIdle(0);
        config.setConnectionTimeout(5_000);
        config.addDataSourceProperty("currentSchema", schema);
        config.addDataSourceProperty("ApplicationName", applicationName);
        try {
            return new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw unreachable("open a pool on schema " + schema, e);
        }
    }

    private void execute(String sql, String what) {
        try (Connection c = DriverManager.getConnection(url, user, password); Statement st = c.createStatement()) {
            st.execute("SET lock_timeout = '10s'");
            st.execute(sql);
        } catch (SQLException e) {
            throw unreachable(what, e);
        }
    }

    private IllegalStateException unreachable(String what, Exception e) {
        return new IllegalStateException("Cannot " + what + " on PostgreSQL at " + url + " as user '" + user + "': "
                + e.getMessage() + ". Start the server, or point " + URL_VARIABLE + " (and " + USER_VARIABLE + ", "
                + PASSWORD_VARIABLE + ") at one.", e);
    }

    private Started state() {
        synchronized (lock) {
            if (started == null) {
                throw new IllegalStateException("PostgresSchema is not started: register it with @RegisterExtension"
                        + " or call start()");
            }
            return started;
        }
    }

    /** The schema and pools of one start. */
    private static final class Started {
        final String schema;
        final List<HikariDataSource> pools = new ArrayList<>();

        Started(String schema) {
            this.schema = schema;
        }
    }

    /**
     * Configures a {@link PostgresSchema}; starts from the environment. Not thread-safe; use it on
     * one thread, then share what it builds.
     */
    public static final class Builder {
        private String url = env(URL_VARIABLE, DEFAULT_URL);
        private String user = env(USER_VARIABLE, "postgres");
        private String password = env(PASSWORD_VARIABLE, "");
        private String prefix = "test";
        private int maximumPoolSize = 5;

        private Builder() {
        }

        private static String env(String name, String otherwise) {
            String value = System.getenv(name);
            return value == null || value.isBlank() ? otherwise : value;
        }

        /**
         * @param url the JDBC URL of the server, {@code jdbc:postgresql://host:port/database}
         * @return this builder
         */
        public Builder url(String url) {
            requireNonNull(url, "url");
            if (!url.startsWith("jdbc:postgresql:")) {
                throw new IllegalArgumentException("url must be a PostgreSQL JDBC URL (jdbc:postgresql://host:port/db), was " + url);
            }
            this.url = url;
            return this;
        }

        /**
         * @param user the user to connect as
         * @return this builder
         */
        public Builder user(String user) {
            this.user = requireNonNull(user, "user");
            return this;
        }

        /**
         * @param password the user's password; empty for trust authentication
         * @return this builder
         */
        public Builder password(String password) {
            this.password = requireNonNull(password, "password");
            return this;
        }

        /**
         * @param prefix the start of the schema's name, {@code test} by default; the test class's
         *     name and a random suffix follow
         * @return this builder
         */
        public Builder schemaPrefix(String prefix) {
            requireNonNull(prefix, "prefix");
            if (!prefix.matches("[a-z][a-z0-9_]{0,29}")) {
                throw new IllegalArgumentException("schemaPrefix must be 1-30 lower-case letters, digits or '_',"
                        + " starting with a letter, was '" + prefix + "'");
            }
            this.prefix = prefix;
            return this;
        }

        /**
         * @param size the most connections of each pool, 5 by default
         * @return this builder
         */
        public Builder maximumPoolSize(int size) {
            if (size < 1) {
                throw new IllegalArgumentException("maximumPoolSize must be at least 1, was " + size);
            }
            this.maximumPoolSize = size;
            return this;
        }

        /** @return a new extension, not yet started */
        public PostgresSchema build() {
            return new PostgresSchema(this);
        }
    }
}
