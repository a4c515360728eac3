package dev.chassis.examples.inventory;

import static java.util.Objects.requireNonNull;

import dev.chassis.core.RetryableException;
import dev.chassis.core.jdbc.SchemaScripts;
import dev.chassis.core.jdbc.TxRunner;
import dev.chassis.core.json.JsonCodec;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import javax.sql.DataSource;

/**
 * The inventory's tables: stock per SKU and one reservation per order, in a schema of the service's
 * own. {@link #reserve} and {@link #release} run on the caller's connection, so the saga
 * participant commits them with its inbox record.
 *
 * <pre>{@code
 * Inventory inventory = Inventory.create(dataSource, "inventory", Clock.systemUTC());
 * inventory.createTables();
 * inventory.restock("SKU-1", 10);
 * }</pre>
 *
 * <p>Instances are thread-safe and intended to be shared.
 */
public final class Inventory {
    private static final String SQL = "/dev/chassis/examples/inventory/inventory.sql";
    private static final int LOCK_CLASS = 0x1_4E_7E;
    private static final JsonCodec JSON = JsonCodec.defaults();

    private final TxRunner tx;
    private final String schema;
    private final Clock clock;

    private Inventory(DataSource dataSource, String schema, Clock clock) {
        this.tx = TxRunner.of(dataSource);
        this.schema = schema;
        this.clock = clock;
    }

    /**
     * The inventory in a schema of a database.
     *
     * @param dataSource the service's database
     * @param schema the schema of its tables, a lower-case identifier
     * @param clock stamps the rows
     * @return the inventory; call {@link #createTables()} once before use
     * @throws IllegalArgumentException if the schema name is not a lower-case identifier
     */
    public static Inventory create(DataSource dataSource, String schema, Clock clock) {
        requireNonNull(dataSource, "dataSource");
        requireNonNull(clock, "clock");
        return new Inventory(dataSource, SchemaScripts.checkSchemaName(schema), clock);
    }

    /** @return the schema of the tables */
    public String schema() {
        return schema;
    }

    /** Creates the schema and the tables if they do not exist; safe from several instances at once. */
    public void createTables() {
        SchemaScripts.create(tx.dataSource(), LOCK_CLASS, schema, Inventory.class, List.of(SQL));
    }

    /**
     * Sets the units available of a SKU (a delivery arrived, or a stock count).
     *
     * @param sku the SKU
     * @param available the units on hand and not reserved, at least 0
     * @throws IllegalArgumentException if {@code available} is negative
     */
    public void restock(String sku, int available) {
        requireNonNull(sku, "sku");
        if (available < 0) {
            throw new IllegalArgumentException("available of " + sku + " must be at least 0, was " + available);
        }
        tx.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + schema + ".stock(sku, available, updated_at)"
                    + " VALUES (?, ?, ?) ON CONFLICT (sku) DO UPDATE SET available = EXCLUDED.available,"
                    + " updated_at = EXCLUDED.updated_at")) {
                ps.setString(1, sku);
                ps.setInt(2, available);
                ps.setTimestamp(3, now());
                return ps.executeUpdate();
            }
        });
    }

    /**
     * The units available of a SKU.
     *
     * @param sku the SKU
     * @return the units, empty if the SKU is unknown
     */
    public OptionalInt available(String sku) {
        requireNonNull(sku, "sku");
        return tx.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT available FROM " + schema + ".stock WHERE sku = ?")) {
                ps.setString(1, sku);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? OptionalInt.of(rs.getInt(1)) : OptionalInt.empty();
                }
            }
        });
    }

    /**
     * The reservation of an order.
     *
     * @param orderId the order
     * @return the reservation, empty if the inventory never heard of the order
     */
    public Optional<Reservation> reservation(String orderId) {
        requireNonNull(orderId, "orderId");
        return tx.inTransaction(c -> find(c, orderId, false));
    }

    /**
     * Reserves the lines for an order, all or nothing, unless the order has a reservation already
     * (then that one is returned unchanged: reserving twice holds the units once).
     *
     * @param connection the caller's transaction
     * @param orderId the order
     * @param lines what to reserve; lines of the same SKU are added up
     * @return the reservation: RESERVED, or REJECTED naming each SKU short of units
     * @throws SQLException if the database fails
     * @throws RetryableException if a release of the same order committed meanwhile: roll back and retry
     */
    public Reservation reserve(Connection connection, String orderId, List<StockLine> lines) throws SQLException {
        Optional<Reservation> existing = find(connection, orderId, true);
        if (existing.isPresent()) {
            return existing.get();
        }
        Map<String, Integer> wanted = new TreeMap<>(); // SKU order, so concurrent reservations lock rows alike
        lines.forEach(l -> wanted.merge(l.sku(), l.quantity(), Integer::sum));
        Map<String, Integer> onHand = lockStock(connection, List.copyOf(wanted.keySet()));
        List<String> shortages = new ArrayList<>();
        wanted.forEach((sku, quantity) -> {
            int available = onHand.getOrDefault(sku, 0);
            if (available < quantity) {
                shortages.add(sku + " (requested " + quantity + ", available " + available + ")");
            }
        });
        if (!shortages.isEmpty()) {
            Reservation rejected = new Reservation(orderId, Reservation.Status.REJECTED, List.of(),
                    "insufficient stock: " + String.join(", ", shortages));
            insert(connection, rejected);
            return rejected;
        }
        List<StockLine> reserved = new ArrayList<>();
        wanted.forEach((sku, quantity) -> reserved.add(new StockLine(sku, quantity)));
        adjust(connection, reserved, -1);
        Reservation reservation = new Reservation(orderId, Reservation.Status.RESERVED, reserved, null);
        insert(connection, reservation);
        return reservation;
    }

    /**
     * Releases an order's reservation: its units go back to stock. Releasing a rejected or released
     * reservation changes nothing; releasing an order never reserved records the release, so a
     * reservation arriving late for it is not made.
     *
     * @param connection the caller's transaction
     * @param orderId the order
     * @return the reservation afterwards: RELEASED, or REJECTED as it was
     * @throws SQLException if the database fails
     * @throws RetryableException if a reservation of the same order committed meanwhile: roll back and retry
     */
    public Reservation release(Connection connection, String orderId) throws SQLException {
        Optional<Reservation> existing = find(connection, orderId, true);
        if (existing.isEmpty()) {
            Reservation released = new Reservation(orderId, Reservation.Status.RELEASED, List.of(), null);
            insert(connection, released);
            return released;
        }
        Reservation reservation = existing.get();
        if (reservation.status() != Reservation.Status.RESERVED) {
            return reservation;
        }
        adjust(connection, reservation.lines(), +1);
        try (PreparedStatement ps = connection.prepareStatement("UPDATE " + schema
                + ".reservations SET status = 'RELEASED', updated_at = ? WHERE order_id = ?")) {
            ps.setTimestamp(1, now());
            ps.setString(2, orderId);
            ps.executeUpdate();
        }
        return new Reservation(orderId, Reservation.Status.RELEASED, reservation.lines(), null);
    }

    private Map<String, Integer> lockStock(Connection c, List<String> skus) throws SQLException {
        Map<String, Integer> onHand = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT sku, available FROM " + schema
                + ".stock WHERE sku = ANY(?) ORDER BY sku FOR UPDATE")) {
            ps.setArray(1, c.createArrayOf("text", skus.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    onHand.put(rs.getString(1), rs.getInt(2));
                }
            }
        }
        return onHand;
    }

    private void adjust(Connection c, List<StockLine> lines, int sign) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + schema
                + ".stock SET available = available + ?, updated_at = ? WHERE sku = ?")) {
            for (StockLine line : lines.stream().sorted(Comparator.comparing(StockLine::sku)).toList()) {
                ps.setInt(1, sign * line.quantity());
                ps.setTimestamp(2, now());
                ps.setString(3, line.sku());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** The reservation of an order, read in the caller's transaction. */
    Optional<Reservation> find(Connection c, String orderId) throws SQLException {
        return find(c, orderId, false);
    }

    private Optional<Reservation> find(Connection c, String orderId, boolean forUpdate) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT status, lines, reason FROM " + schema
                + ".reservations WHERE order_id = ?" + (forUpdate ? " FOR UPDATE" : ""))) {
            ps.setString(1, orderId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                List<StockLine> lines = Arrays.asList(JSON.read(rs.getString(2), StockLine[].class));
                return Optional.of(new Reservation(orderId, Reservation.Status.valueOf(rs.getString(1)), lines,
                        rs.getString(3)));
            }
        }
    }

    private void insert(Connection c, Reservation r) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + schema + ".reservations(order_id, status,"
                + " lines, reason, created_at, updated_at) VALUES (?, ?, ?::jsonb, ?, ?, ?)"
                + " ON CONFLICT (order_id) DO NOTHING")) {
            Timestamp now = now();
            ps.setString(1, r.orderId());
            ps.setString(2, r.status().name());
            ps.setString(3, JSON.writeString(r.lines()));
            ps.setString(4, r.reason());
            ps.setTimestamp(5, now);
            ps.setTimestamp(6, now);
            if (ps.executeUpdate() == 0) {
                throw concurrent(r.orderId());
            }
        }
    }

    /**
     * Another command for the same order (a reservation racing its release) committed first; the
     * transaction rolls back, and the redelivered command finds that row.
     */
    private static RetryableException concurrent(String orderId) {
        return new RetryableException("a concurrent command for order " + orderId + " committed first; retry");
    }

    private Timestamp now() {
        return Timestamp.from(clock.instant());
    }
}
