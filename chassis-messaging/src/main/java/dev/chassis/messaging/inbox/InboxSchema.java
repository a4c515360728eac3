package dev.chassis.messaging.inbox;

import static java.util.Objects.requireNonNull;

import dev.chassis.core.jdbc.SchemaScripts;
import dev.chassis.core.jdbc.TxRunner;
import java.sql.Statement;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Creates the inbox table and its index, idempotently:
 *
 * <pre>{@code
 * create table if not exists chassis_inbox (
 *     consumer    text        not null,
 *     message_id  text        not null,
 *     received_at timestamptz not null,
 *     primary key (consumer, message_id)
 * );
 * create index if not exists chassis_inbox_received_at on chassis_inbox (received_at);
 * }</pre>
 *
 * <p>The same statements ship as the migration {@code dev/chassis/messaging/inbox/V1__chassis_inbox.sql}
 * for teams that run Flyway or Liquibase instead. Several instances may call {@link #create} at once:
 * a transaction-scoped advisory lock serializes them. Stateless and thread-safe.
 */
public final class InboxSchema {
    /** The table's name. */
    public static final String TABLE = "chassis_inbox";

    private InboxSchema() {
    }

    /**
     * Creates the table in the connection's current schema (the first one on its search path).
     *
     * @param dataSource where to create it
     */
    public static void create(DataSource dataSource) {
        create(dataSource, Optional.empty());
    }

    /**
     * Creates the table in a given schema, which must exist.
     *
     * @param dataSource where to create it
     * @param schema a lower-case SQL identifier, e.g. {@code "billing"}
     * @throws IllegalArgumentException if {@code schema} is not a plain lower-case identifier
     */
    public static void create(DataSource dataSource, String schema) {
        create(dataSource, Optional.of(checkSchema(schema)));
    }

    private static void create(DataSource dataSource, Optional<String> schema) {
        requireNonNull(dataSource, "dataSource");
        TxRunner.of(dataSource).inTransaction(c -> {
            try (Statement s = c.createStatement()) {
                // concurrent "create ... if not exists" can still collide in the catalog; one at a time
                s.execute("select pg_advisory_xact_lock(hashtext('chassis_inbox_schema'))");
                for (String ddl : ddl(schema).split(";")) {
                    if (!ddl.isBlank()) {
                        s.execute(ddl);
                    }
                }
            }
            return null;
        });
    }

    static String checkSchema(String schema) {
        return SchemaScripts.checkSchemaName(schema);
    }

    static String qualified(Optional<String> schema) {
        return schema.map(s -> s + "." + TABLE).orElse(TABLE);
    }

    /** The DDL, qualified with the schema when given; unqualified it equals the shipped migration. */
    static String ddl(Optional<String> schema) {
        String table = qualified(schema);
        return "create table if not exists " + table + " (\n"
                + "    consumer    text        not null,\n"
                + "    message_id  text        not null,\n"
                + "    received_at timestamptz not null,\n"
                + "    primary key (consumer, message_id)\n"
                + ");\n"
                + "create index if not exists " + TABLE + "_received_at on " + table + " (received_at);\n";
    }
}
