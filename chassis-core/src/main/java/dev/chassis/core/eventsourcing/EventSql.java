package dev.chassis.core.eventsourcing;

import dev.chassis.core.json.JsonCodec;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The statements of {@link JdbcEventStore} on one table, and the mapping of its rows. Every append is
 * one {@code INSERT ... ON CONFLICT DO NOTHING}: a conflict on {@code (stream, version)} or on the
 * event id skips rows instead of aborting the transaction, so the caller's transaction stays usable
 * and the store can tell a lost race from a retried append with the statements that follow.
 */
final class EventSql {
    private static final String COLUMNS = "seq, transaction_id::text::bigint, stream, version, event_id, event_type,"
            + " type_version, data::text, metadata::text, recorded_at";
    private static final String INSERT_COLUMNS =
            " (stream, version, event_id, event_type, type_version, data, metadata, recorded_at) ";
    private static final String RETURNING = " ON CONFLICT DO NOTHING RETURNING seq, version, transaction_id::text::bigint";
    private static final String UNNEST = " unnest(?::text[], ?::text[], ?::int[], ?::text[], ?::text[])"
            + " WITH ORDINALITY AS e(id, type, tv, data, meta, ord)";
    private static final JsonCodec JSON = JsonCodec.defaults();

    final String table;
    /** One event after an expected version: {@code ? = 0 OR} version {@code ?} exists. */
    private final String insertOneExact;
    private final String insertOneAny;
    private final String insertManyExact;
    private final String insertManyAny;
    final String delete;
    final String version;
    final String knownIds;
    final String read;
    final String readAll;

    EventSql(String table) {
        this.table = table;
        String guard = " WHERE ? = 0 OR EXISTS (SELECT 1 FROM " + table + " WHERE stream = ? AND version = ?)";
        insertOneExact = "INSERT INTO " + table + INSERT_COLUMNS
                + "SELECT ?, ? + 1, ?, ?, ?, ?::jsonb, ?::jsonb, ?" + guard + RETURNING;
        insertOneAny = "INSERT INTO " + table + INSERT_COLUMNS
                + "SELECT ?, coalesce(max(version), 0) + 1, ?, ?, ?, ?::jsonb, ?::jsonb, ? FROM " + table
                + " WHERE stream = ?" + RETURNING;
        insertManyExact = "INSERT INTO " + table + INSERT_COLUMNS
                + "SELECT ?, ? + e.ord, e.id, e.type, e.tv, e.data::jsonb, e.meta::jsonb, ? FROM" + UNNEST + guard
                + RETURNING;
        insertManyAny = "INSERT INTO " + table + INSERT_COLUMNS
                + "SELECT ?, b.v + e.ord, e.id, e.type, e.tv, e.data::jsonb, e.meta::jsonb, ?"
                + " FROM (SELECT coalesce(max(version), 0) AS v FROM " + table + " WHERE stream = ?) b," + UNNEST
                + RETURNING;
        delete = "DELETE FROM " + table + " WHERE seq = ANY (?)";
        version = "SELECT coalesce(max(version), 0) FROM " + table + " WHERE stream = ?";
        knownIds = "SELECT event_id, stream, version FROM " + table + " WHERE event_id = ANY (?)";
        read = "SELECT " + COLUMNS + " FROM " + table + " WHERE stream = ? AND version >= ? ORDER BY version";
        // only transactions below the snapshot's xmin have ended: nothing can appear before them any more.
        // ORDER BY names the table's column: a bare transaction_id would be the bigint output column,
        // which no index covers, so every page would scan and sort the whole table
        readAll = "SELECT " + COLUMNS + " FROM " + table + " e"
                + " WHERE transaction_id < pg_snapshot_xmin(pg_current_snapshot())"
                + " AND (transaction_id, seq) > (?::text::xid8, ?) ORDER BY e.transaction_id, e.seq LIMIT ?";
    }

    /** A stored row's generated parts. */
    record Inserted(long seq, long version, long transaction) {
    }

    /**
     * Inserts the events after {@code base} ({@code -1}: after the stream's current version), skipping
     * conflicting rows.
     */
    List<Inserted> insert(Connection c, String stream, long base, List<NewEvent> events, Instant now)
            throws SQLException {
        OffsetDateTime recordedAt = OffsetDateTime.ofInstant(now, ZoneOffset.UTC);
        boolean any = base < 0;
        if (events.size() == 1) {
            NewEvent e = events.get(0);
            try (PreparedStatement ps = c.prepareStatement(any ? insertOneAny : insertOneExact)) {
                int i = 1;
                ps.setString(i++, stream);
                if (!any) {
                    ps.setLong(i++, base);
                }
                ps.setString(i++, e.id());
                ps.setString(i++, e.type());
                ps.setInt(i++, e.typeVersion());
                ps.setString(i++, e.data());
                ps.setString(i++, metadataJson(e.metadata()));
                ps.setObject(i++, recordedAt);
                i = any ? bindStream(ps, i, stream) : bindGuard(ps, i, stream, base);
                return inserted(ps);
            }
        }
        try (PreparedStatement ps = c.prepareStatement(any ? insertManyAny : insertManyExact)) {
            int i = 1;
            ps.setString(i++, stream);
            if (!any) {
                ps.setLong(i++, base);
            }
            ps.setObject(i++, recordedAt);
            if (any) {
                i = bindStream(ps, i, stream);
            }
            i = bindArrays(c, ps, i, events);
            if (!any) {
                bindGuard(ps, i, stream, base);
            }
            return inserted(ps);
        }
    }

    private static int bindStream(PreparedStatement ps, int i, String stream) throws SQLException {
        ps.setString(i, stream);
        return i + 1;
    }

    private static int bindGuard(PreparedStatement ps, int i, String stream, long base) throws SQLException {
        ps.setLong(i, base);
        ps.setString(i + 1, stream);
        ps.setLong(i + 2, base);
        return i + 3;
    }

    private static int bindArrays(Connection c, PreparedStatement ps, int i, List<NewEvent> events)
            throws SQLException {
        int n = events.size();
        String[] ids = new String[n];
        String[] types = new String[n];
        Integer[] versions = new Integer[n];
        String[] data = new String[n];
        String[] metadata = new String[n];
        for (int k = 0; k < n; k++) {
            NewEvent e = events.get(k);
            ids[k] = e.id();
            types[k] = e.type();
            versions[k] = e.typeVersion();
            data[k] = e.data();
            metadata[k] = metadataJson(e.metadata());
        }
        ps.setArray(i, c.createArrayOf("text", ids));
        ps.setArray(i + 1, c.createArrayOf("text", types));
        ps.setArray(i + 2, c.createArrayOf("int4", versions));
        ps.setArray(i + 3, c.createArrayOf("text", data));
        ps.setArray(i + 4, c.createArrayOf("text", metadata));
        return i + 5;
    }

    private static List<Inserted> inserted(PreparedStatement ps) throws SQLException {
        List<Inserted> rows = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                rows.add(new Inserted(rs.getLong(1), rs.getLong(2), rs.getLong(3)));
            }
        }
        rows.sort((a, b) -> Long.compare(a.version(), b.version()));
        return rows;
    }

    /** Removes rows this transaction inserted, so a failed append leaves nothing behind. */
    void delete(Connection c, List<Inserted> rows) throws SQLException {
        Long[] seqs = rows.stream().map(Inserted::seq).toArray(Long[]::new);
        try (PreparedStatement ps = c.prepareStatement(delete)) {
            Array array = c.createArrayOf("int8", seqs);
            ps.setArray(1, array);
            ps.executeUpdate();
        }
    }

    long version(Connection c, String stream) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(version)) {
            ps.setString(1, stream);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** Where the given ids are stored: id to (stream, version). */
    Map<String, Map.Entry<String, Long>> knownIds(Connection c, List<NewEvent> events) throws SQLException {
        String[] ids = events.stream().map(NewEvent::id).toArray(String[]::new);
        Map<String, Map.Entry<String, Long>> known = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(knownIds)) {
            ps.setArray(1, c.createArrayOf("text", ids));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    known.put(rs.getString(1), Map.entry(rs.getString(2), rs.getLong(3)));
                }
            }
        }
        return known;
    }

    static List<RecordedEvent> events(ResultSet rs) throws SQLException {
        List<RecordedEvent> events = new ArrayList<>();
        while (rs.next()) {
            events.add(new RecordedEvent(rs.getString(3), rs.getLong(4), new GlobalPosition(rs.getLong(2), rs.getLong(1)),
                    rs.getString(5), rs.getString(6), rs.getInt(7), rs.getString(8), metadata(rs.getString(9)),
                    rs.getObject(10, OffsetDateTime.class).toInstant()));
        }
        return events;
    }

    static String metadataJson(Map<String, String> metadata) {
        return metadata.isEmpty() ? "{}" : JSON.writeString(new LinkedHashMap<>(metadata));
    }

    static Map<String, String> metadata(String json) {
        if ("{}".equals(json)) {
            return Map.of();
        }
        Map<?, ?> raw = JSON.read(json, Map.class);
        Map<String, String> metadata = new HashMap<>();
        raw.forEach((k, v) -> metadata.put(String.valueOf(k), String.valueOf(v)));
        return metadata;
    }
}
