package dev.chassis.core.saga;

import dev.chassis.core.jdbc.SchemaLocation;
import dev.chassis.core.jdbc.SchemaScripts;
import java.util.List;
import javax.sql.DataSource;

/**
 * Where the {@value #TABLE} table of {@link JdbcSagaStore} lives: a PostgreSQL schema name, and the
 * DDL that creates the table and its indexes idempotently. The same DDL ships as
 * {@value #MIGRATION_RESOURCE} for Flyway or Liquibase users. Immutable and thread-safe.
 *
 * <pre>{@code
 * SagaSchema schema = SagaSchema.of("orders");
 * schema.create(dataSource);
 * }</pre>
 */
public final class SagaSchema extends SchemaLocation {
    /** The class-path location of the plain SQL migration (unqualified names). */
    public static final String MIGRATION_RESOURCE = "/dev/chassis/core/saga/sagas.sql";
    /** The table's name inside its schema. */
    public static final String TABLE = "chassis_sagas";

    /** The first key of the advisory lock that serializes {@link #create(DataSource)}. */
    private static final int LOCK_CLASS = 0x0C4A5A6A;
    private static final SagaSchema DEFAULT = new SagaSchema("public");

    private SagaSchema(String schema) {
        super(schema, TABLE, LOCK_CLASS, List.of(MIGRATION_RESOURCE));
    }

    /**
     * The table in the {@code public} schema.
     *
     * @return the default location
     */
    public static SagaSchema defaults() {
        return DEFAULT;
    }

    /**
     * The table in the given schema.
     *
     * @param schema a lower-case PostgreSQL identifier: letters, digits and {@code _}, at most 63
     * @return the location
     * @throws IllegalArgumentException if the name is not such an identifier
     */
    public static SagaSchema of(String schema) {
        return new SagaSchema(schema);
    }

    /**
     * The text of the shipped migration, {@value #MIGRATION_RESOURCE}.
     *
     * @return the SQL, with unqualified names
     */
    public static String migrationSql() {
        return SchemaScripts.read(SagaSchema.class, List.of(MIGRATION_RESOURCE));
    }

    /** The migration's statements, comment lines dropped. */
    static List<String> statements() {
        return SchemaScripts.statements(migrationSql());
    }
}
