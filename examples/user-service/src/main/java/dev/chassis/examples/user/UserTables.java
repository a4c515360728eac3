package dev.chassis.examples.user;

import dev.chassis.core.jdbc.TxRunner;
import java.sql.Statement;

/**
 * The user service's own tables in its schema: {@code users}, the read model of the projection, and
 * {@code user_emails}, which reserves each e-mail address (lower case) in the transaction that
 * registers its user, so that a duplicate is refused at once rather than found by the projection
 * later. Immutable and thread-safe.
 */
record UserTables(String schema) {
    String users() {
        return schema + ".users";
    }

    String emails() {
        return schema + ".user_emails";
    }

    void create(TxRunner tx) {
        tx.inTransaction(connection -> {
            try (Statement ddl = connection.createStatement()) {
                ddl.execute("CREATE SCHEMA IF NOT EXISTS " + schema);
                ddl.execute("CREATE TABLE IF NOT EXISTS " + users() + " (id text PRIMARY KEY, name text NOT NULL,"
                        + " email text NOT NULL, registered_at timestamptz NOT NULL)");
                ddl.execute("CREATE TABLE IF NOT EXISTS " + emails() + " (email text PRIMARY KEY, user_id text NOT NULL)");
            }
            return null;
        });
    }
}
