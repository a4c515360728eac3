package dev.chassis.messaging.outbox;

import static java.util.Objects.requireNonNull;

import dev.chassis.core.envelope.CloudEventJson;
import dev.chassis.core.jdbc.TxRunner;
import dev.chassis.core.outbox.OutboxMessage;
import dev.chassis.core.outbox.OutboxRecord;
import dev.chassis.core.outbox.OutboxStore;
import dev.chassis.core.outbox.ParkedMessage;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;

/**
 * The PostgreSQL {@link OutboxStore}. Every read is one statement (the read of unsent rows in a
 * transaction of its own, see {@link #unsent(int, Set)}), so under READ COMMITTED it sees exactly
 * the rows committed when it starts. Unsent rows are always selected with
 * {@code WHERE sent_at IS NULL ORDER BY id} and never from a remembered position: ids are handed out
 * at insert time but transactions commit in another order, so a row with a lower id can become
 * visible after higher ones were sent, and a high-water mark would step over it. Parked rows (the
 * bus refused them {@code maxAttempts} times) have {@code failed_at} set and are left out of the
 * unsent ones until requeued. Thread-safe.
 */
final class JdbcOutboxStore implements OutboxStore {
    /** Longer bus errors are cut to this many characters in {@code last_error}. */
    static final int MAX_ERROR_LENGTH = 2000;
    private static final String UNSENT = "sent_at IS NULL AND failed_at IS NULL";
    private static final String PARKED = "sent_at IS NULL AND failed_at IS NOT NULL";
    /**
     * Joined into the marks: commits them without waiting for the WAL flush (for this transaction
     * only; {@code set_config(..., true)} is undone at its end), in the same single round trip. A
     * mark lost in a database crash only means the row is published again, which at-least-once
     * allows, while waiting for the flush held the relay's loop, and every row committed meanwhile,
     * for the length of a disk write under load.
     */
    private static final String ASYNC_COMMIT = " FROM (SELECT set_config('synchronous_commit', 'off', true)) async_commit";

    /**
     * Run once on a session that reads unsent rows through {@link #unsent(Connection, int, Set)};
     * {@link #WALK_ANY_WAY} undoes it before the session goes back to a pool.
     */
    static final String WALK_IN_ORDER = "SET enable_bitmapscan = off";
    /** Undoes {@link #WALK_IN_ORDER}. */
    static final String WALK_ANY_WAY = "RESET enable_bitmapscan";

    private final DataSource dataSource;
    private final TxRunner tx;
    private final String table;
    private final String unsentSql;
    private final String unsentExcludingSql;

    JdbcOutboxStore(DataSource dataSource, OutboxSchema schema) {
        this.dataSource = requireNonNull(dataSource, "dataSource");
        this.tx = TxRunner.of(dataSource);
        this.table = requireNonNull(schema, "schema").qualifiedTable();
        String select = "SELECT id, topic, ordering_key, envelope, created_at FROM " + table + " WHERE " + UNSENT;
        this.unsentSql = select + " ORDER BY id LIMIT ?";
        this.unsentExcludingSql = select + " AND id <> ALL(?) ORDER BY id LIMIT ?";
    }

    @Override
    public List<OutboxRecord> unsent(int limit) {
        return unsent(limit, Set.of());
    }

    /**
     * {@inheritDoc}
     *
     * <p>Walks the unsent index in id order, which PostgreSQL is told to do: until vacuum removes
     * them, the index keeps an entry for every row marked sent since, and a walk in order marks
     * such entries dead as it passes them, so the next read skips them without visiting the table.
     * The planner's other choice, a bitmap scan, visits every table page those entries point to on
     * every read (5 ms for 50,000 sent rows, read hundreds of times a second by a busy relay) and
     * marks nothing. Hence a transaction of its own with {@code SET LOCAL enable_bitmapscan = off};
     * the relay reads through {@link #unsent(Connection, int, Set)} on a session set up once by
     * {@link #WALK_IN_ORDER}.
     */
    @Override
    public List<OutboxRecord> unsent(int limit, Set<Long> excluding) {
        requirePositive(limit);
        requireNonNull(excluding, "excluding");
        return tx.inTransaction(c -> {
            try {
                try (Statement st = c.createStatement()) {
                    st.execute("SET LOCAL enable_bitmapscan = off");
                }
                return unsent(c, limit, excluding);
            } catch (SQLException e) {
                throw TxRunner.translate("reading unsent rows of " + table + " failed", e);
            }
        });
    }

    /**
     * Reads unsent rows on the given connection in one statement (so, in auto-commit, in one round
     * trip and one snapshot). For a session given {@link #WALK_IN_ORDER} before, or a transaction
     * with the same setting made {@code LOCAL}.
     *
     * @param c the connection to read on
     * @param limit the most rows to return
     * @param excluding ids to leave out
     * @return the rows in id order
     * @throws SQLException as the driver throws it, for the caller to tell a lost session from a failed read
     */
    List<OutboxRecord> unsent(Connection c, int limit, Set<Long> excluding) throws SQLException {
        requirePositive(limit);
        String sql = excluding.isEmpty() ? unsentSql : unsentExcludingSql;
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 1;
            if (!excluding.isEmpty()) {
                ps.setArray(i++, c.createArrayOf("bigint", excluding.toArray()));
            }
            ps.setInt(i, limit);
            List<OutboxRecord> records = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    records.add(record(rs));
                }
            }
            return records;
        }
    }

    @Override
    public void markSent(long id, Instant sentAt) {
        requireNonNull(sentAt, "sentAt");
        update("UPDATE " + table + " SET sent_at = ?" + ASYNC_COMMIT + " WHERE id = ? AND sent_at IS NULL",
                "marking row " + id + " sent",
                ps -> {
                    ps.setObject(1, utc(sentAt));
                    ps.setLong(2, id);
                });
    }

    @Override
    public void markSent(Collection<Long> ids, Instant sentAt) {
        requireNonNull(ids, "ids");
        requireNonNull(sentAt, "sentAt");
        if (ids.isEmpty()) {
            return;
        }
        update("UPDATE " + table + " SET sent_at = ?" + ASYNC_COMMIT + " WHERE id = ANY(?) AND sent_at IS NULL",
                "marking " + ids.size() + " rows sent", ps -> {
                    ps.setObject(1, utc(sentAt));
                    ps.setArray(2, ps.getConnection().createArrayOf("bigint", ids.toArray()));
                });
    }

    @Override
    public int purgeSent(Instant sentBefore, int limit) {
        requireNonNull(sentBefore, "sentBefore");
        requirePositive(limit);
        return update("DELETE FROM " + table + " WHERE id IN (SELECT id FROM " + table
                + " WHERE sent_at IS NOT NULL AND sent_at < ? ORDER BY sent_at LIMIT ?)", "purging sent rows", ps -> {
                    ps.setObject(1, utc(sentBefore));
                    ps.setInt(2, limit);
                });
    }

    @Override
    public long backlog() {
        return query("SELECT count(*) FROM " + table + " WHERE " + UNSENT, "counting unsent rows",
                rs -> rs.getLong(1)).orElse(0L);
    }

    @Override
    public Optional<Instant> oldestUnsent() {
        return query("SELECT created_at FROM " + table + " WHERE " + UNSENT + " ORDER BY id LIMIT 1",
                "reading the oldest unsent row", rs -> rs.getObject(1, OffsetDateTime.class).toInstant());
    }

    @Override
    public int markFailed(long id, String error, Instant failedAt, int maxAttempts) {
        requireNonNull(error, "error");
        requireNonNull(failedAt, "failedAt");
        if (maxAttempts <= 0) {
            throw new IllegalArgumentException("maxAttempts must be positive, was " + maxAttempts);
        }
        // on the right-hand side "attempts" is the value before this update
        String sql = "UPDATE " + table + " SET attempts = attempts + 1, last_error = ?,"
                + " failed_at = CASE WHEN attempts + 1 >= ? THEN ? END WHERE id = ? AND " + UNSENT + " RETURNING attempts";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, error.length() > MAX_ERROR_LENGTH ? error.substring(0, MAX_ERROR_LENGTH) : error);
            ps.setInt(2, maxAttempts);
            ps.setObject(3, utc(failedAt));
            ps.setLong(4, id);
            int attempts;
            try (ResultSet rs = ps.executeQuery()) {
                attempts = rs.next() ? rs.getInt(1) : 0;
            }
            if (!c.getAutoCommit()) {
                c.commit();
            }
            return attempts;
        } catch (SQLException e) {
            throw TxRunner.translate("counting a refused publish of row " + id + " in " + table + " failed", e);
        }
    }

    @Override
    public List<ParkedMessage> parked(int limit) {
        requirePositive(limit);
        String sql = "SELECT id, topic, ordering_key, envelope, created_at, attempts, last_error, failed_at FROM " + table
                + " WHERE " + PARKED + " ORDER BY id LIMIT ?";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setInt(1, limit);
            List<ParkedMessage> parked = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String error = rs.getString(7);
                    parked.add(new ParkedMessage(record(rs), Math.max(1, rs.getInt(6)), error == null ? "" : error,
                            rs.getObject(8, OffsetDateTime.class).toInstant()));
                }
            }
            return parked;
        } catch (SQLException e) {
            throw TxRunner.translate("reading parked rows of " + table + " failed", e);
        }
    }

    @Override
    public long parkedCount() {
        return query("SELECT count(*) FROM " + table + " WHERE " + PARKED, "counting parked rows",
                rs -> rs.getLong(1)).orElse(0L);
    }

    @Override
    public int requeueParked() {
        return update("UPDATE " + table + " SET attempts = 0, failed_at = NULL WHERE " + PARKED, "requeueing parked rows",
                ps -> { });
    }

    private static OutboxRecord record(ResultSet rs) throws SQLException {
        OutboxMessage message = new OutboxMessage(rs.getString(2), rs.getString(3), CloudEventJson.read(rs.getBytes(4)));
        return new OutboxRecord(rs.getLong(1), message, rs.getObject(5, OffsetDateTime.class).toInstant());
    }

    private int update(String sql, String doing, Binder binder) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            binder.bind(ps);
            int rows = ps.executeUpdate();
            if (!c.getAutoCommit()) {
                // a pool configured without auto-commit must not leave the mark uncommitted
                c.commit();
            }
            return rows;
        } catch (SQLException e) {
            throw TxRunner.translate(doing + " in " + table + " failed", e);
        }
    }

    private <T> Optional<T> query(String sql, String doing, Reader<T> reader) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql);
                ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(reader.read(rs)) : Optional.empty();
        } catch (SQLException e) {
            throw TxRunner.translate(doing + " in " + table + " failed", e);
        }
    }

    private static OffsetDateTime utc(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    static void requirePositive(int limit) {
        if (limit <= 0) {
            throw new IllegalArgumentException("limit must be positive, was " + limit);
        }
    }

    @FunctionalInterface
    private interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    @FunctionalInterface
    private interface Reader<T> {
        T read(ResultSet rs) throws SQLException;
    }
}
