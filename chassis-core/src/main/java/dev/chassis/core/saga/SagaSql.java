package dev.chassis.core.saga;

import dev.chassis.core.json.JsonCodec;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The statements of {@link JdbcSagaStore} on one table, and the mapping of its rows. Inserts use
 * {@code ON CONFLICT DO NOTHING} and updates compare the revision in their {@code WHERE}, so neither
 * a duplicate id nor a lost race fails a statement: the caller's transaction stays usable.
 */
final class SagaSql {
    private static final String COLUMNS = "id, type, definition_version, state, step, attempt, data::text, deadline,"
            + " revision, history::text, created_at, updated_at, failure";
    private static final String UNFINISHED = "state IN ('RUNNING', 'COMPENSATING')";
    private static final JsonCodec JSON = JsonCodec.defaults();

    final String table;
    final String insert;
    final String update;
    final String find;
    final String due;
    final String inState;
    final String lease;
    final String release;

    SagaSql(String table) {
        this.table = table;
        insert = "INSERT INTO " + table + " (id, type, definition_version, state, step, attempt, data, deadline,"
                + " revision, history, created_at, updated_at, failure, lease_owner, lease_until)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?::jsonb, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING";
        // the row lock makes concurrent updaters of one revision wait; the re-checked WHERE lets one win
        update = "UPDATE " + table + " SET type = ?, definition_version = ?, state = ?, step = ?, attempt = ?,"
                + " data = ?::jsonb, deadline = ?, revision = ?, history = ?::jsonb, created_at = ?, updated_at = ?,"
                + " failure = ? WHERE id = ? AND revision = ?";
        find = "SELECT " + COLUMNS + " FROM " + table + " WHERE id = ?";
        // the same predicate as the partial index chassis_sagas_due, so the planner can use it
        due = "SELECT " + COLUMNS + " FROM " + table + " WHERE " + UNFINISHED
                + " AND deadline IS NOT NULL AND deadline <= ? ORDER BY deadline, id LIMIT ?";
        inState = "SELECT " + COLUMNS + " FROM " + table + " WHERE state = ? AND id > ? ORDER BY id LIMIT ?";
        // one round trip tells a granted lease, one held by another owner, and a saga not stored (yet)
        lease = "WITH claimed AS (UPDATE " + table + " SET lease_owner = ?, lease_until = ? WHERE id = ?"
                + " AND (lease_owner IS NULL OR lease_owner = ? OR lease_until <= ?) RETURNING 1)"
                + " SELECT (SELECT count(*) FROM claimed), EXISTS (SELECT 1 FROM " + table + " WHERE id = ?)";
        release = "UPDATE " + table + " SET lease_owner = NULL, lease_until = NULL WHERE id = ? AND lease_owner = ?";
    }

    /** Inserts the instance with the given lease, if any; false if its id is taken. */
    boolean insert(Connection c, SagaInstance s, @Nullable Lease lease) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(insert)) {
            int i = 1;
            ps.setString(i++, s.id());
            i = bindState(ps, i, s);
            ps.setString(i++, lease == null ? null : lease.owner());
            ps.setObject(i, lease == null ? null : timestamp(lease.until()));
            return ps.executeUpdate() == 1;
        }
    }

    /** Updates the row stored at {@code instance.revision() - 1}; false if there is none. */
    boolean update(Connection c, SagaInstance s) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(update)) {
            int i = bindState(ps, 1, s);
            ps.setString(i++, s.id());
            ps.setLong(i, s.revision() - 1);
            return ps.executeUpdate() == 1;
        }
    }

    /** Binds every column but the id, from {@code type} to {@code failure}, in table order. */
    private static int bindState(PreparedStatement ps, int i, SagaInstance s) throws SQLException {
        ps.setString(i++, s.type());
        ps.setInt(i++, s.definitionVersion());
        ps.setString(i++, s.state().name());
        ps.setInt(i++, s.step());
        ps.setInt(i++, s.attempt());
        ps.setString(i++, s.data());
        ps.setObject(i++, timestamp(s.deadline()));
        ps.setLong(i++, s.revision());
        ps.setString(i++, JSON.writeString(s.history()));
        ps.setObject(i++, timestamp(s.createdAt()));
        ps.setObject(i++, timestamp(s.updatedAt()));
        ps.setString(i++, s.failure());
        return i;
    }

    /** A lease held on a saga. */
    record Lease(String owner, Instant until) {
    }

    /** What a lease statement found. */
    enum Claim {
        GRANTED, HELD_BY_ANOTHER, NOT_STORED
    }

    Claim lease(Connection c, String id, String owner, Instant until, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(lease)) {
            ps.setString(1, owner);
            ps.setObject(2, timestamp(until));
            ps.setString(3, id);
            ps.setString(4, owner);
            ps.setObject(5, timestamp(now));
            ps.setString(6, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (rs.getLong(1) == 1) {
                    return Claim.GRANTED;
                }
                return rs.getBoolean(2) ? Claim.HELD_BY_ANOTHER : Claim.NOT_STORED;
            }
        }
    }

    void release(Connection c, String id, String owner) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(release)) {
            ps.setString(1, id);
            ps.setString(2, owner);
            ps.executeUpdate();
        }
    }

    static List<SagaInstance> instances(ResultSet rs) throws SQLException {
        List<SagaInstance> sagas = new ArrayList<>();
        while (rs.next()) {
            sagas.add(new SagaInstance(rs.getString(1), rs.getString(2), rs.getInt(3),
                    SagaState.valueOf(rs.getString(4)), rs.getInt(5), rs.getInt(6), rs.getString(7), instant(rs, 8),
                    rs.getLong(9), history(rs.getString(10)), requiredInstant(rs, 11), requiredInstant(rs, 12),
                    rs.getString(13)));
        }
        return sagas;
    }

    static List<SagaTransition> history(String json) {
        return Arrays.asList(JSON.read(json, SagaTransition[].class));
    }

    /** What {@code timestamptz} keeps; truncated, so that a deadline never moves later. */
    static @Nullable OffsetDateTime timestamp(@Nullable Instant instant) {
        return instant == null ? null : OffsetDateTime.ofInstant(instant.truncatedTo(ChronoUnit.MICROS), ZoneOffset.UTC);
    }

    private static @Nullable Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    private static Instant requiredInstant(ResultSet rs, int column) throws SQLException {
        return rs.getObject(column, OffsetDateTime.class).toInstant();
    }
}
