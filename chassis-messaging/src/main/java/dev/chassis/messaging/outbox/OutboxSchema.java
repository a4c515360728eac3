package dev.chassis.messaging.outbox;

import dev.chassis.core.NonRetryableException;
import dev.chassis.core.jdbc.SchemaScripts;
import java.util.List;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

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
public final class OutboxSchema {
    /** The class-path location of the first plain SQL migration (unqualified names): the table. */
    public static final String MIGRATION_RESOURCE = "/dev/chassis/messaging/outbox/V1__chassis_outbox.sql";
    /** The class-path locations of all plain SQL migrations, in the order they must run. */
    public static final List<String> MIGRATION_RESOURCES = List.of(MIGRATION_RESOURCE,
            "/dev/chassis/messaging/outbox/V2__chassis_outbox_parking.sql");
    /** The table's name inside its schema. */
    public static final String TABLE = "chassis_outbox";

    private static final OutboxSchema DEFAULT = new OutboxSchema("public");

    private final String schema;

    private OutboxSchema(String schema) {
        this.schema = schema;
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
        return new OutboxSchema(SchemaScripts.checkSchemaName(schema));
    }

    /** @return the schema name */
    public String schema() {
        return schema;
    }

    /** @return the schema-qualified table name, e.g. {@code orders.chassis_outbox} */
    public String qualifiedTable() {
        return schema + "." + TABLE;
    }

    /**
     * The text of the shipped migrations, {@link #MIGRATION_RESOURCES}, one after the other.
     *
     * @return the SQL, with unqualified names
     */
    public static String migrationSql() {
        return SchemaScripts.read(OutboxSchema.class, MIGRATION_RESOURCES);
    }


    /**
     * Creates the schema, the table and its indexes where they do not exist yet, and adds columns of
     * later versions to an existing table, in one transaction. Safe to call from several instances
     * at once.
     *
     * @param dataSource the database
     * @throws dev.chassis.core.jdbc.DatabaseException if the database failed transiently
     * @throws NonRetryableException if the DDL failed otherwise (e.g. missing privileges)
     */
    public void create(DataSource dataSource) {
        SchemaScripts.apply(dataSource, PostgresCoordination.LOCK_CLASS, lockKey(), schema, statements());
    }

    static List<String> statements() {
        return SchemaScripts.statements(migrationSql());
    }

    /** The NOTIFY channel of this table; a string, quoted as an identifier where LISTEN needs it. */
    String channel() {
        return TABLE + "." + schema;
    }

    /** The advisory lock key of this table's relay leadership. */
    int lockKey() {
        return schema.hashCode();
    }

    @Override
    public boolean equals(@Nullable Object o) {
        return o instanceof OutboxSchema && ((OutboxSchema) o).schema.equals(schema);
    }

    @Override
    public int hashCode() {
        return schema.hashCode();
    }

    @Override
    public String toString() {
        return "OutboxSchema[" + schema + "]";
    }
}
