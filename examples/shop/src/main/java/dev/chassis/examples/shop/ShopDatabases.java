package dev.chassis.examples.shop;

import dev.chassis.core.NonRetryableException;
import dev.chassis.core.config.Config;
import dev.chassis.core.config.ConfigKey;
import dev.chassis.examples.support.Database;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The databases of the services in the shop, one per service, from the first of:
 * <ol>
 *   <li>{@code <SERVICE>_DATABASE_URL} (e.g. {@code USER_SERVICE_DATABASE_URL}): used as given;</li>
 *   <li>{@code SHOP_DATABASE_URL}: a running server; the shop creates a database
 *       {@code <SHOP_DATABASE_PREFIX><service>} ({@code shop_user_service}, ...) on it where missing;</li>
 *   <li>otherwise one embedded PostgreSQL server started from the bundled distribution, with a
 *       database per service, deleted on exit. PostgreSQL refuses to run as root, so this needs an
 *       ordinary user.</li>
 * </ol>
 * Not thread-safe; open once, close on shutdown.
 */
final class ShopDatabases implements AutoCloseable {
    static final ConfigKey<String> SHOP_DATABASE_URL = ConfigKey.string("SHOP_DATABASE_URL").optional().secret()
            .description("a running PostgreSQL to create the services' databases on, e.g."
                    + " postgresql://postgres@127.0.0.1:5432/postgres; default an embedded server");
    static final ConfigKey<String> SHOP_DATABASE_PREFIX = ConfigKey.string("SHOP_DATABASE_PREFIX").withDefault("shop_")
            .description("prefix of the databases the shop creates, one per service");

    private final Map<String, Database> databases;
    private final @Nullable EmbeddedPostgres embedded;
    private final String description;

    private ShopDatabases(Map<String, Database> databases, @Nullable EmbeddedPostgres embedded, String description) {
        this.databases = databases;
        this.embedded = embedded;
        this.description = description;
    }

    /** The keys to declare: the shop's two and one {@code <SERVICE>_DATABASE_URL} per service. */
    static List<ConfigKey<?>> keys(List<String> services) {
        List<ConfigKey<?>> keys = new ArrayList<>(List.of(SHOP_DATABASE_URL, SHOP_DATABASE_PREFIX));
        services.forEach(service -> keys.add(serviceUrl(service)));
        return keys;
    }

    static ConfigKey<String> serviceUrl(String service) {
        return ConfigKey.string(service.toUpperCase(Locale.ROOT).replace('-', '_') + "_DATABASE_URL").optional().secret()
                .description("database of " + service + ", used as given");
    }

    /**
     * Opens a database per service.
     *
     * @throws NonRetryableException if an embedded server is needed and the process runs as root
     */
    static ShopDatabases open(Config config, List<String> services) {
        Map<String, String> urls = new LinkedHashMap<>();
        List<String> missing = new ArrayList<>();
        for (String service : services) {
            Optional<String> given = config.find(serviceUrl(service));
            if (given.isPresent()) {
                urls.put(service, given.get());
            } else {
                missing.add(service);
            }
        }
        String prefix = config.get(SHOP_DATABASE_PREFIX);
        EmbeddedPostgres embedded = null;
        String description;
        if (missing.isEmpty()) {
            description = "the databases given by *_DATABASE_URL";
        } else if (config.find(SHOP_DATABASE_URL).isPresent()) {
            String server = config.get(SHOP_DATABASE_URL);
            try (Database admin = Database.connect(server, "shop-admin")) {
                for (String service : missing) {
                    String name = databaseName(prefix, service);
                    createIfMissing(admin, name);
                    urls.put(service, withDatabase(Database.jdbcUrl(server), name));
                }
            }
            description = "databases " + prefix + "* on the server of SHOP_DATABASE_URL";
        } else {
            embedded = startEmbedded();
            for (String service : missing) {
                String name = databaseName(prefix, service);
                try (Database admin = Database.connect(embedded.getJdbcUrl("postgres", "postgres"), "shop-admin")) {
                    createIfMissing(admin, name);
                }
                urls.put(service, embedded.getJdbcUrl("postgres", name));
            }
            description = "an embedded PostgreSQL on port " + embedded.getPort() + ", a database per service";
        }
        Map<String, Database> databases = new LinkedHashMap<>();
        urls.forEach((service, url) -> databases.put(service, Database.connect(url, service)));
        return new ShopDatabases(databases, embedded, description);
    }

    static String databaseName(String prefix, String service) {
        return (prefix + service).toLowerCase(Locale.ROOT).replace('-', '_');
    }

    /** The JDBC URL of another database on the same server. */
    static String withDatabase(String jdbcUrl, String database) {
        int start = jdbcUrl.indexOf('/', "jdbc:postgresql://".length());
        int query = jdbcUrl.indexOf('?');
        String rest = query < 0 ? "" : jdbcUrl.substring(query);
        String hostPart = start < 0 ? (query < 0 ? jdbcUrl : jdbcUrl.substring(0, query)) : jdbcUrl.substring(0, start);
        return hostPart + "/" + database + rest;
    }

    private static void createIfMissing(Database admin, String name) {
        if (!name.matches("[a-z_][a-z0-9_]{0,62}")) {
            throw new IllegalArgumentException("database name '" + name + "' must be lower-case letters, digits and"
                    + " '_'; check SHOP_DATABASE_PREFIX");
        }
        try (Connection c = admin.dataSource().getConnection();
             PreparedStatement exists = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            exists.setString(1, name);
            try (ResultSet row = exists.executeQuery()) {
                if (row.next()) {
                    return;
                }
            }
            try (Statement create = c.createStatement()) {
                create.execute("CREATE DATABASE " + name);
            }
        } catch (java.sql.SQLException e) {
            if ("42P04".equals(e.getSQLState())) {
                return; // created by a concurrent start
            }
            throw new NonRetryableException("cannot create database " + name + ": " + e.getMessage(), e);
        }
    }

    private static EmbeddedPostgres startEmbedded() {
        checkMayRunPostgres(System.getProperty("user.name", ""));
        try {
            // closed by the shop after the services stopped, not by a JVM hook of its own racing them
            return EmbeddedPostgres.builder().setRegisterShutdownHook(false).start();
        } catch (IOException | RuntimeException e) {
            throw new NonRetryableException("the embedded PostgreSQL did not start (" + e.getMessage() + "); set"
                    + " SHOP_DATABASE_URL to a running server instead", e);
        }
    }

    /** PostgreSQL's {@code initdb} and server refuse to run as root; say so before they fail obscurely. */
    static void checkMayRunPostgres(String user) {
        if ("root".equals(user)) {
            throw new NonRetryableException("the embedded PostgreSQL cannot start: PostgreSQL refuses to run as root."
                    + " Run the shop as an ordinary user, or give it a running server:"
                    + " SHOP_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres (a database per service is"
                    + " created there)");
        }
    }

    Database database(String service) {
        Database database = databases.get(service);
        if (database == null) {
            throw new IllegalArgumentException("no database opened for " + service);
        }
        return database;
    }

    String description() {
        return description;
    }

    @Override
    public void close() {
        databases.values().forEach(Database::close);
        if (embedded != null) {
            try {
                embedded.close();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("the embedded PostgreSQL did not stop cleanly", e);
            }
        }
    }
}
