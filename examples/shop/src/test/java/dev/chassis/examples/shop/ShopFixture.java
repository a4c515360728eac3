package dev.chassis.examples.shop;

import dev.chassis.core.config.Config;
import dev.chassis.examples.support.Database;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

/**
 * The shop as {@code scripts/demo} starts it, on databases of the test's own on the local PostgreSQL
 * and the gateway on a free port; {@link #close()} stops it and drops the databases.
 */
final class ShopFixture implements AutoCloseable {
    private static final String SERVER = "postgresql://postgres@127.0.0.1:5432/postgres";
    final String prefix = newPrefix();
    final ShopSystem system = ShopSystem.start(config(prefix, 0));

    static String newPrefix() {
        return "shoptest_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8) + "_";
    }

    /** The shop's configuration on databases named with the prefix, the gateway on the port. */
    static Config config(String prefix, int gatewayPort) {
        return Shop.config(Map.of("SHOP_DATABASE_URL", SERVER, "SHOP_DATABASE_PREFIX", prefix,
                "GATEWAY_PORT", String.valueOf(gatewayPort)), new Properties());
    }

    @Override
    public void close() throws Exception {
        system.close();
        dropDatabases(prefix);
    }

    static void dropDatabases(String prefix) throws Exception {
        try (Database admin = Database.connect(SERVER, "shop-test-admin");
             Connection c = admin.dataSource().getConnection(); Statement drop = c.createStatement()) {
            for (String service : ShopSystem.names()) {
                drop.execute("DROP DATABASE IF EXISTS " + ShopDatabases.databaseName(prefix, service) + " WITH (FORCE)");
            }
        }
    }
}
