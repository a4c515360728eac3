package dev.chassis.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

/** The PostgreSQL every harness measures against: {@code -Djdbc.url=…} and {@code -Djdbc.user=…} point it elsewhere. */
final class BenchDatabase {
    static final String URL = System.getProperty("jdbc.url", "jdbc:postgresql://127.0.0.1:5432/test");

    private BenchDatabase() {
    }

    /** A pool of {@code size} connections to the benchmark database. */
    static HikariDataSource pool(int size) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(URL);
        config.setUsername(System.getProperty("jdbc.user", "postgres"));
        config.setMaximumPoolSize(size);
        return new HikariDataSource(config);
    }
}
