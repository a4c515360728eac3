package dev.chassis.core.eventsourcing;

import static java.util.Objects.requireNonNull;

import dev.chassis.core.jdbc.TxRunner;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * A {@link SnapshotStore} in a PostgreSQL table, {@value SnapshotSchema#TABLE}: one row per stream,
 * the state as {@code jsonb}. A save replaces the row only with a snapshot of a higher version
 * ({@code insert ... on conflict do update ... where version < excluded.version}), so concurrent
 * or late writers never set a stream's snapshot back. Create the table with
 * {@link SnapshotSchema#create(DataSource)} or the shipped migration. Instances are thread-safe and
 * intended to be shared.
 *
 * <pre>{@code
 * SnapshotSchema schema = SnapshotSchema.of("orders");
 * schema.create(dataSource);
 * SnapshotStore snapshots = JdbcSnapshotStore.of(dataSource, schema);
 * }</pre>
 */
public final class JdbcSnapshotStore implements SnapshotStore {
    private final TxRunner tx;
    private final String selectSql;
    private final String upsertSql;

    private JdbcSnapshotStore(TxRunner tx, SnapshotSchema schema) {
        this.tx = tx;
        String table = schema.qualifiedTable();
        this.selectSql = "SELECT version, state_type, state_version, state::text FROM " + table + " WHERE stream = ?";
        this.upsertSql = "INSERT INTO " + table + " AS s (stream, version, state_type, state_version, state, saved_at)"
                + " VALUES (?, ?, ?, ?, ?::jsonb, now())"
                + " ON CONFLICT (stream) DO UPDATE SET version = excluded.version, state_type = excluded.state_type,"
                + " state_version = excluded.state_version, state = excluded.state, saved_at = excluded.saved_at"
                + " WHERE s.version < excluded.version";
    }

    /**
     * A store on the table in the {@code public} schema.
     *
     * @param dataSource a pooled data source
     * @return the store
     */
    public static JdbcSnapshotStore of(DataSource dataSource) {
        return of(dataSource, SnapshotSchema.defaults());
    }

    /**
     * A store on the table in the given schema.
     *
     * @param dataSource a pooled data source
     * @param schema where the table lives
     * @return the store
     */
    public static JdbcSnapshotStore of(DataSource dataSource, SnapshotSchema schema) {
        requireNonNull(dataSource, "dataSource");
        requireNonNull(schema, "schema");
        return new JdbcSnapshotStore(TxRunner.of(dataSource), schema);
    }

    /**
     * {@inheritDoc}
     *
     * @throws dev.chassis.core.jdbc.DatabaseException if the database failed transiently
     */
    @Override
    public Optional<Snapshot> latest(String stream) {
        requireNonNull(stream, "stream");
        return tx.inTransaction(connection -> {
            try (PreparedStatement ps = connection.prepareStatement(selectSql)) {
                ps.setString(1, stream);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    return Optional.of(new Snapshot(stream, rs.getLong(1), rs.getString(2), rs.getInt(3), rs.getString(4)));
                }
            }
        });
    }

    /**
     * {@inheritDoc}
     *
     * @throws dev.chassis.core.jdbc.DatabaseException if the database failed transiently
     * @throws dev.chassis.core.NonRetryableException if the state is not JSON or the table is missing
     */
    @Override
    public boolean save(Snapshot snapshot) {
        requireNonNull(snapshot, "snapshot");
        return tx.inTransaction(connection -> {
            try (PreparedStatement ps = connection.prepareStatement(upsertSql)) {
                ps.setString(1, snapshot.stream());
                ps.setLong(2, snapshot.version());
                ps.setString(3, snapshot.type());
                ps.setInt(4, snapshot.typeVersion());
                ps.setString(5, snapshot.state());
                return ps.executeUpdate() == 1;
            }
        });
    }

    @Override
    public String toString() {
        return "JdbcSnapshotStore[" + selectSql.substring(selectSql.indexOf("FROM ") + 5, selectSql.indexOf(" WHERE")) + "]";
    }
}
