package dev.chassis.messaging.inbox;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.postgresql.ds.PGSimpleDataSource;

/** A schema of its own on the local PostgreSQL, with the inbox table and a business table; dropped on close. */
final class PgSchema implements AutoCloseable {
    static final String URL = System.getProperty("chassis.test.jdbc-url", "jdbc:postgresql://127.0.0.1:5432/test");

    final String name = "inbox_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    /** Connections whose current schema is this one. */
    final PGSimpleDataSource dataSource = new PGSimpleDataSource();

    PgSchema() throws SQLException {
        dataSource.setURL(URL);
        dataSource.setUser("postgres");
        dataSource.setCurrentSchema(name);
        exec("create schema " + name);
        InboxSchema.create(dataSource, name);
        exec("create table " + name + ".effects(message_id text not null, consumer text not null)");
    }

    long count(String table) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             var rs = s.executeQuery("select count(*) from " + name + "." + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Effects applied more than once for the same message and consumer. */
    long duplicateEffects() throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             var rs = s.executeQuery("select coalesce(sum(n - 1), 0) from (select count(*) n from " + name
                     + ".effects group by consumer, message_id) d")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    void exec(String sql) throws SQLException {
        PGSimpleDataSource admin = new PGSimpleDataSource();
        admin.setURL(URL);
        admin.setUser("postgres");
        try (Connection c = admin.getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    @Override
    public void close() throws SQLException {
        exec("drop schema if exists " + name + " cascade");
    }
}
