package dev.chassis.core.eventsourcing;

import dev.chassis.core.jdbc.SchemaLocation;
import dev.chassis.core.jdbc.SchemaScripts;
import java.util.List;
import javax.sql.DataSource;

/**
 * Where the {@value #TABLE} table of {@link JdbcEventStore} lives: a PostgreSQL schema name, and the
 * DDL that creates the table idempotently. The same DDL ships as {@value #MIGRATION_RESOURCE} for
 * Flyway or Liquibase users. Immutable and thread-safe.
 *
 * <pre>{@code
 * EventStoreSchema schema = EventStoreSchema.of("orders");
 * schema.create(dataSource);
 * }</pre>
 */
public final class EventStoreSchema extends SchemaLocation {
    /** The class-path location of the plain SQL migration (unqualified names). */
    public static final String MIGRATION_RESOURCE = "/dev/chassis/core/eventsourcing/event-store.sql";
    /** The table's name inside its schema. */
    public static final String TABLE = "chassis_events";

    /** The first key of the advisory lock that serializes {@link #create(DataSource)}. */
    private static final int LOCK_CLASS = 0x0C4A5E5E;
    private static final EventStoreSchema DEFAULT = new EventStoreSchema("public");

    private EventStoreSchema(String schema) {
        super(schema, TABLE, LOCK_CLASS, List.of(MIGRATION_RESOURCE));
    }

    /**
     * The table in the {@code public} schema.
     *
     * @return the default location
     */
    public static EventStoreSchema defaults() {
        return DEFAULT;
    }

    /**
     * The table in the given schema.
     *
     * @param schema a lower-case PostgreSQL identifier: letters, digits and {@code _}, at most 63
     * @return the location
     * @throws IllegalArgumentException if the name is not such an identifier
     */
    public static EventStoreSchema of(String schema) {
        return new EventStoreSchema(schema);
    }

    /**
     * The text of the shipped migration, {@value #MIGRATION_RESOURCE}.
     *
     * @return the SQL, with unqualified names
     */
    public static String migrationSql() {
        return SchemaScripts.read(EventStoreSchema.class, List.of(MIGRATION_RESOURCE));
    }

    /** The migration's statements, comments dropped. */
    static List<String> statements() {
        return SchemaScripts.statements(migrationSql());
    }
}
