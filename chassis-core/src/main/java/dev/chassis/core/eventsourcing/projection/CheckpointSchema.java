package dev.chassis.core.eventsourcing.projection;

import dev.chassis.core.jdbc.SchemaLocation;
import dev.chassis.core.jdbc.SchemaScripts;
import java.util.List;

/**
 * Where the {@code projection_checkpoints} table lives: a PostgreSQL schema name, and the DDL that
 * creates the table idempotently. The same DDL ships as {@value #MIGRATION_RESOURCE} for Flyway or
 * Liquibase users. Keep it in the read models' database, so that checkpoint and read model commit
 * together. Immutable and thread-safe.
 *
 * <pre>{@code
 * CheckpointSchema schema = CheckpointSchema.of("orders");
 * schema.create(dataSource);
 * CheckpointStore checkpoints = JdbcCheckpointStore.of(TxRunner.of(dataSource), schema);
 * }</pre>
 */
public final class CheckpointSchema extends SchemaLocation {
    /** The class-path location of the plain SQL migration (unqualified names). */
    public static final String MIGRATION_RESOURCE = "/dev/chassis/core/eventsourcing/projection/checkpoints.sql";
    /** The table's name inside its schema. */
    public static final String TABLE = "projection_checkpoints";

    /** The first key of the advisory lock that serializes concurrent creation; the second is the schema's. */
    private static final int LOCK_CLASS = 0x0C4A5C4B;
    private static final CheckpointSchema DEFAULT = new CheckpointSchema("public");

    private CheckpointSchema(String schema) {
        super(schema, TABLE, LOCK_CLASS, List.of(MIGRATION_RESOURCE));
    }

    /**
     * The table in the {@code public} schema.
     *
     * @return the default location
     */
    public static CheckpointSchema defaults() {
        return DEFAULT;
    }

    /**
     * The table in the given schema.
     *
     * @param schema a lower-case PostgreSQL identifier: letters, digits and {@code _}, at most 63
     * @return the location
     * @throws IllegalArgumentException if the name is not such an identifier
     */
    public static CheckpointSchema of(String schema) {
        return new CheckpointSchema(schema);
    }

    /**
     * The text of the shipped migration, {@value #MIGRATION_RESOURCE}.
     *
     * @return the SQL, with unqualified names
     */
    public static String migrationSql() {
        return SchemaScripts.read(CheckpointSchema.class, List.of(MIGRATION_RESOURCE));
    }

    static List<String> statements() {
        return SchemaScripts.statements(migrationSql());
    }
}
