package dev.chassis.messaging.outbox;

import dev.chassis.core.jdbc.SchemaLocation;
import dev.chassis.core.jdbc.SchemaScripts;
import java.util.List;

/**
 * Where the {@code chassis_outbox} table lives: a PostgreSQL schema name, and the DDL that creates
 * or upgrades the table idempotently. The same DDL ships as the migrations
 * {@link #MIGRATION_RESOURCES} ({@code V1__chassis_outbox.sql}, then
 * {@code V2__chassis_outbox_parking.sql}, which adds the columns counting refused publishes) for
 * Flyway or Liquibase users. A shipped file is never edited once released, so that migration tools
 * that checksum applied files keep accepting it; changes come as a new file. Immutable and
 * thread-safe.
 *
 * <pre>{@code
 * OutboxSchema schema = OutboxSchema.of("orders");
 * schema.create(dataSource);
 * }</pre>
 */
public final class OutboxSchema extends SchemaLocation {
    /** The class-path location of the first plain SQL migration (unqualified names): the table. */
    public static final String MIGRATION_RESOURCE = "/dev/chassis/messaging/outbox/V1__chassis_outbox.sql";
    /** The class-path locations of all plain SQL migrations, in the order they must run. */
    public static final List<String> MIGRATION_RESOURCES = List.of(MIGRATION_RESOURCE,
            "/dev/chassis/messaging/outbox/V2__chassis_outbox_parking.sql");
    /** The table's name inside its schema. */
    public static final String TABLE = "chassis_outbox";

    private static final OutboxSchema DEFAULT = new OutboxSchema("public");

    private OutboxSchema(String schema) {
        super(schema, TABLE, PostgresCoordination.LOCK_CLASS, MIGRATION_RESOURCES);
    }

    /**
     * The table in the {@code public} schema.
     *
     * @return the default location
     */
    public static OutboxSchema defaults() {
        return DEFAULT;
    }

    /**
     * The table in the given schema.
     *
     * @param schema a lower-case PostgreSQL identifier: letters, digits and {@code _}, at most 63
     * @return the location
     * @throws IllegalArgumentException if the name is not such an identifier
     */
    public static OutboxSchema of(String schema) {
        return new OutboxSchema(schema);
    }

    /**
     * The text of the shipped migrations, {@link #MIGRATION_RESOURCES}, one after the other.
     *
     * @return the SQL, with unqualified names
     */
    public static String migrationSql() {
        return SchemaScripts.read(OutboxSchema.class, MIGRATION_RESOURCES);
    }

    static List<String> statements() {
        return SchemaScripts.statements(migrationSql());
    }

    /** The NOTIFY channel of this table; a string, quoted as an identifier where LISTEN needs it. */
    String channel() {
        return TABLE + "." + schema();
    }

    /** The advisory lock key of this table's relay leadership. */
    int lockKey() {
        return schema().hashCode();
    }
}
