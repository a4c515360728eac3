package dev.chassis.examples.shipping;

import static java.util.Objects.requireNonNull;

import dev.chassis.core.RetryableException;
import dev.chassis.core.jdbc.SchemaScripts;
import dev.chassis.core.jdbc.TxRunner;
import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The shipments table, one row per order, in a schema of the service's own. {@link #schedule} and
 * {@link #cancel} run on the caller's connection, so the saga participant commits them with its
 * inbox record. A shipment leaves on the next working day (Monday to Friday, by the clock's zone).
 *
 * <pre>{@code
 * Shipments shipments = Shipments.create(dataSource, "shipping", Clock.systemUTC());
 * shipments.createTables();
 * }</pre>
 *
 * <p>Instances are thread-safe and intended to be shared.
 */
public final class Shipments {
    private static final String SQL = "/dev/chassis/examples/shipping/shipping.sql";
    private static final int LOCK_CLASS = 0x5417;

    private final TxRunner tx;
    private final String schema;
    private final Clock clock;

    private Shipments(DataSource dataSource, String schema, Clock clock) {
        this.tx = TxRunner.of(dataSource);
        this.schema = schema;
        this.clock = clock;
    }

    /**
     * The shipments in a schema of a database.
     *
     * @param dataSource the service's database
     * @param schema the schema of the table, a lower-case identifier
     * @param clock stamps the rows and decides the shipping day
     * @return the shipments; call {@link #createTables()} once before use
     * @throws IllegalArgumentException if the schema name is not a lower-case identifier
     */
    public static Shipments create(DataSource dataSource, String schema, Clock clock) {
        requireNonNull(dataSource, "dataSource");
        requireNonNull(clock, "clock");
        return new Shipments(dataSource, SchemaScripts.checkSchemaName(schema), clock);
    }

    /** @return the schema of the table */
    public String schema() {
        return schema;
    }

    /** Creates the schema and the table if they do not exist; safe from several instances at once. */
    public void createTables() {
        SchemaScripts.create(tx.dataSource(), LOCK_CLASS, schema, Shipments.class, List.of(SQL));
    }

    /**
     * The shipment of an order.
     *
     * @param orderId the order
     * @return the shipment, empty if the service never heard of the order
     */
    public Optional<Shipment> shipment(String orderId) {
        requireNonNull(orderId, "orderId");
        return tx.inTransaction(c -> find(c, orderId, false));
    }

    /**
     * Schedules an order's shipment for the next working day, unless the order has a shipment
     * already (then that one is returned unchanged, also when it was cancelled).
     *
     * @param connection the caller's transaction
     * @param orderId the order
     * @param address where it goes
     * @return the shipment
     * @throws SQLException if the database fails
     * @throws RetryableException if a cancellation of the same order committed meanwhile: roll back and retry
     */
    public Shipment schedule(Connection connection, String orderId, String address) throws SQLException {
        Optional<Shipment> existing = find(connection, orderId, true);
        if (existing.isPresent()) {
            return existing.get();
        }
        Shipment shipment = new Shipment(orderId, Shipment.Status.SCHEDULED, "ship-" + orderId, address,
                nextWorkingDay(LocalDate.now(clock)));
        try (PreparedStatement ps = connection.prepareStatement("INSERT INTO " + schema + ".shipments(order_id,"
                + " shipment_id, address, status, ships_on, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
                + " ON CONFLICT (order_id) DO NOTHING")) {
            Timestamp now = Timestamp.from(clock.instant());
            ps.setString(1, orderId);
            ps.setString(2, shipment.shipmentId());
            ps.setString(3, address);
            ps.setString(4, shipment.status().name());
            ps.setDate(5, Date.valueOf(requireNonNull(shipment.shipsOn())));
            ps.setTimestamp(6, now);
            ps.setTimestamp(7, now);
            if (ps.executeUpdate() == 0) {
                throw concurrent(orderId);
            }
        }
        return shipment;
    }

    /**
     * Cancels an order's shipment; cancelling an order never scheduled records the cancellation, so
     * a scheduling arriving late for it is not made.
     *
     * @param connection the caller's transaction
     * @param orderId the order
     * @return the shipment afterwards, CANCELLED
     * @throws SQLException if the database fails
     * @throws RetryableException if a scheduling of the same order committed meanwhile: roll back and retry
     */
    public Shipment cancel(Connection connection, String orderId) throws SQLException {
        Optional<Shipment> existing = find(connection, orderId, true);
        Timestamp now = Timestamp.from(clock.instant());
        String sql = existing.isPresent()
                ? "UPDATE " + schema + ".shipments SET status = 'CANCELLED', updated_at = ?"
                        + " WHERE order_id = ?"
                : "INSERT INTO " + schema + ".shipments(updated_at, order_id, status, created_at)"
                        + " VALUES (?, ?, 'CANCELLED', ?) ON CONFLICT (order_id) DO NOTHING";
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            ps.setTimestamp(1, now);
            ps.setString(2, orderId);
            if (existing.isEmpty()) {
                ps.setTimestamp(3, now);
            }
            if (ps.executeUpdate() == 0) {
                throw concurrent(orderId);
            }
        }
        return existing.map(s -> new Shipment(orderId, Shipment.Status.CANCELLED, s.shipmentId(), s.address(),
                s.shipsOn())).orElseGet(() -> new Shipment(orderId, Shipment.Status.CANCELLED, null, null, null));
    }

    /**
     * A scheduling and a cancellation of the same order raced and the other committed first; the
     * transaction rolls back, and the redelivered command finds that row.
     */
    private static RetryableException concurrent(String orderId) {
        return new RetryableException("a concurrent command for order " + orderId + " committed first; retry");
    }

    /** The shipment of an order, read in the caller's transaction. */
    Optional<Shipment> find(Connection c, String orderId) throws SQLException {
        return find(c, orderId, false);
    }

    private Optional<Shipment> find(Connection c, String orderId, boolean forUpdate) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT status, shipment_id, address, ships_on FROM " + schema
                + ".shipments WHERE order_id = ?" + (forUpdate ? " FOR UPDATE" : ""))) {
            ps.setString(1, orderId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                Date shipsOn = rs.getDate(4);
                return Optional.of(new Shipment(orderId, Shipment.Status.valueOf(rs.getString(1)), rs.getString(2),
                        rs.getString(3), shipsOn == null ? null : shipsOn.toLocalDate()));
            }
        }
    }

    static LocalDate nextWorkingDay(LocalDate today) {
        LocalDate day = today.plusDays(1);
        while (day.getDayOfWeek() == DayOfWeek.SATURDAY || day.getDayOfWeek() == DayOfWeek.SUNDAY) {
            day = day.plusDays(1);
        }
        return day;
    }
}
