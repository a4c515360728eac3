package dev.chassis.core.jdbc;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.sql.DataSource;

/**
 * What every chassis table needs to be created in a schema of the application's choosing: a checked
 * schema name, the shipped SQL files (plain DDL with unqualified names, for Flyway or Liquibase
 * users), and creation that is idempotent and safe from several instances at once. The
 * {@code *Schema} classes of the outbox, inbox, event store, snapshots, checkpoints and sagas are
 * thin faces over this class. Stateless and thread-safe.
 */
public final class SchemaScripts {
    private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    private SchemaScripts() {
    }

    /**
     * Checks a schema name, since it is put into SQL text.
     *
     * @param schema the name
     * @return the name
     * @throws IllegalArgumentException unless it is a lower-case identifier: letters, digits and
     *     {@code _}, not starting with a digit, at most 63 characters
     */
    public static String checkSchemaName(String schema) {
        requireNonNull(schema, "schema");
        if (!IDENTIFIER.matcher(schema).matches()) {
            throw new IllegalArgumentException("schema must be a lower-case identifier ([a-z_][a-z0-9_]*, at most 63"
                    + " characters), was '" + schema + "'");
        }
        return schema;
    }

    /**
     * Reads SQL files from the class path and joins them.
     *
     * @param anchor the class whose loader finds the resources
     * @param resources absolute resource paths, e.g. {@code /dev/chassis/core/saga/sagas.sql}
     * @return their text, in order, separated by blank lines
     * @throws IllegalStateException if a resource is missing
     */
    public static String read(Class<?> anchor, List<String> resources) {
        List<String> texts = new ArrayList<>();
        for (String resource : resources) {
            try (InputStream in = anchor.getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalStateException(resource + " is missing from the class path");
                }
                texts.add(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return String.join("\n", texts);
    }

    /**
     * Splits SQL text into statements at {@code ;}, dropping comment lines.
     *
     * @param sql the text; statements must not contain {@code ;} in literals
     * @return the statements, without their semicolons
     */
    public static List<String> statements(String sql) {
        String withoutComments = sql.lines().filter(l -> !l.strip().startsWith("--")).collect(Collectors.joining("\n"));
        return Arrays.stream(withoutComments.split(";")).map(String::strip).filter(s -> !s.isEmpty())
                .collect(Collectors.toList());
    }

    /**
     * Creates a schema if needed and runs statements in it, in one transaction, under a
     * transaction-scoped advisory lock: concurrent {@code CREATE ... IF NOT EXISTS} can still collide
     * in PostgreSQL's catalog, so creators from several instances take turns.
     *
     * @param dataSource the database
     * @param lockClass the first key of the advisory lock, one per kind of table
     * @param lockKey the second key, e.g. derived from the schema name
     * @param schema a checked schema name, made the {@code search_path} for the statements
     * @param statements idempotent DDL with unqualified names
     * @throws DatabaseException if the database failed transiently
     * @throws dev.chassis.core.NonRetryableException if the DDL failed otherwise (e.g. missing privileges)
     */
    public static void apply(DataSource dataSource, int lockClass, int lockKey, String schema, List<String> statements) {
        requireNonNull(dataSource, "dataSource");
        checkSchemaName(schema);
        List<String> ddl = List.copyOf(statements);
        TxRunner.of(dataSource).inTransaction(connection -> {
            try (Statement st = connection.createStatement()) {
                st.execute("SELECT pg_advisory_xact_lock(" + lockClass + ", " + lockKey + ")");
                st.execute("CREATE SCHEMA IF NOT EXISTS " + schema);
                st.execute("SET LOCAL search_path TO " + schema);
                for (String statement : ddl) {
                    st.execute(statement);
                }
            }
            return null;
        });
    }

    /**
     * Creates a schema if needed and runs shipped SQL files in it: {@link #read} them through the
     * anchor's class loader, split them into {@link #statements} and {@link #apply} them under the
     * advisory lock {@code (lockClass, schema.hashCode())}.
     *
     * <pre>{@code
     * SchemaScripts.create(dataSource, 0x5417, "shipping", Shipments.class, List.of("/com/example/shipping.sql"));
     * }</pre>
     *
     * @param dataSource the database
     * @param lockClass the first key of the advisory lock, one per kind of table
     * @param schema a checked schema name
     * @param anchor a class whose class loader finds the files
     * @param resources absolute resource paths, applied in order
     * @throws IllegalStateException if a file is missing
     * @throws DatabaseException if the database failed transiently
     * @throws dev.chassis.core.NonRetryableException if the DDL failed otherwise (e.g. missing privileges)
     */
    public static void create(DataSource dataSource, int lockClass, String schema, Class<?> anchor,
            List<String> resources) {
        apply(dataSource, lockClass, checkSchemaName(schema).hashCode(), schema, statements(read(anchor, resources)));
    }
}
