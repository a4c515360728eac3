package dev.chassis.core.jdbc;

import static java.util.Objects.requireNonNull;

import java.util.List;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * Where one chassis table lives: a PostgreSQL schema of the application's choosing, the table's name,
 * and the shipped SQL files that create it. The outbox, event store, snapshot, checkpoint and saga
 * schema classes extend it and add only their names and files. Immutable and thread-safe.
 */
public abstract class SchemaLocation {
    private final String schema;
    private final String table;
    private final int lockClass;
    private final List<String> resources;

    /**
     * For the chassis's schema classes.
     *
     * @param schema a checked schema name
     * @param table the table's name inside the schema
     * @param lockClass the first key of the advisory lock that serializes {@link #create(DataSource)}
     * @param resources the shipped SQL files, in order, found through the subclass's class loader
     */
    protected SchemaLocation(String schema, String table, int lockClass, List<String> resources) {
        this.schema = SchemaScripts.checkSchemaName(schema);
        this.table = requireNonNull(table, "table");
        this.lockClass = lockClass;
        this.resources = List.copyOf(resources);
    }

    /** @return the schema name */
    public final String schema() {
        return schema;
    }

    /** @return the schema-qualified table name, e.g. {@code orders.chassis_sagas} */
    public final String qualifiedTable() {
        return schema + "." + table;
    }

    /**
     * Creates the schema, the table and its indexes where they do not exist yet (and applies the
     * later files' additions to an existing table), in one transaction. Safe to call from several
     * instances at once.
     *
     * @param dataSource the database
     * @throws DatabaseException if the database failed transiently
     * @throws dev.chassis.core.NonRetryableException if the DDL failed otherwise (e.g. missing privileges)
     */
    public final void create(DataSource dataSource) {
        SchemaScripts.create(dataSource, lockClass, schema, getClass(), resources);
    }

    @Override
    public final boolean equals(@Nullable Object o) {
        return o != null && o.getClass() == getClass() && ((SchemaLocation) o).schema.equals(schema);
    }

    @Override
    public final int hashCode() {
        return schema.hashCode();
    }

    @Override
    public final String toString() {
        return getClass().getSimpleName() + "[" + schema + "]";
    }
}
