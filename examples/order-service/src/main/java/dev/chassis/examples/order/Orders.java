package dev.chassis.examples.order;

import static java.util.Objects.requireNonNull;

import dev.chassis.core.jdbc.SchemaScripts;
import dev.chassis.core.jdbc.TxRunner;
import dev.chassis.core.json.JsonCodec;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * The orders table, in a schema of the service's own. Every write is idempotent, since the order
 * saga's call steps run again after a crash: creating an existing order, confirming a confirmed one
 * and cancelling a cancelled one change nothing.
 *
 * <pre>{@code
 * Orders orders = Orders.create(dataSource, "orders", Clock.systemUTC());
 * orders.createTables();
 * }</pre>
 *
 * <p>Instances are thread-safe and intended to be shared.
 */
public final class Orders {
    private static final String SQL = "/dev/chassis/examples/order/orders.sql";
    private static final int LOCK_CLASS = 0x0D_E5;
    private static final JsonCodec JSON = JsonCodec.defaults();

    private final TxRunner tx;
    private final String schema;
    private final Clock clock;

    private Orders(DataSource dataSource, String schema, Clock clock) {
        this.tx = TxRunner.of(dataSource);
        this.schema = schema;
        this.clock = clock;
    }

    /**
     * The orders in a schema of a database.
     *
     * @param dataSource the service's database
     * @param schema the schema of the table, a lower-case identifier
     * @param clock stamps the rows
     * @return the orders; call {@link #createTables()} once before use
     * @throws IllegalArgumentException if the schema name is not a lower-case identifier
     */
    public static Orders create(DataSource dataSource, String schema, Clock clock) {
        requireNonNull(dataSource, "dataSource");
        requireNonNull(clock, "clock");
        return new Orders(dataSource, SchemaScripts.checkSchemaName(schema), clock);
    }

    /** Creates the schema and the table if they do not exist; safe from several instances at once. */
    public void createTables() {
        SchemaScripts.create(tx.dataSource(), LOCK_CLASS, schema, Orders.class, List.of(SQL));
    }

    /**
     * Records a new order as PENDING, unless it exists.
     *
     * @param order the saga's data
     * @return whether it was new
     */
    public boolean create(OrderSagaData order) {
        requireNonNull(order, "order");
        return tx.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + schema + ".orders(id, customer_id,"
                    + " shipping_address, lines, total, status, created_at, updated_at)"
                    + " VALUES (?, ?, ?, ?::jsonb, ?, 'PENDING', ?, ?) ON CONFLICT (id) DO NOTHING")) {
                Timestamp now = Timestamp.from(clock.instant());
                ps.setString(1, order.orderId());
                ps.setString(2, order.customerId());
                ps.setString(3, order.shippingAddress());
                ps.setString(4, JSON.writeString(order.lines()));
                ps.setBigDecimal(5, order.total());
                ps.setTimestamp(6, now);
                ps.setTimestamp(7, now);
                return ps.executeUpdate() == 1;
            }
        });
    }

    /**
     * Confirms a pending order with its payment and shipment.
     *
     * @param order the saga's data, with the payment and the shipment
     * @return whether it changed
     */
    public boolean confirm(OrderSagaData order) {
        requireNonNull(order, "order");
        return settle(order.orderId(), OrderStatus.CONFIRMED, order.paymentId(), order.shipmentId());
    }

    /**
     * Cancels a pending order.
     *
     * @param orderId the order
     * @return whether it changed
     */
    public boolean cancel(String orderId) {
        requireNonNull(orderId, "orderId");
        return settle(orderId, OrderStatus.CANCELLED, null, null);
    }

    /** Moves a PENDING order to its final status; an order already settled is left as it is. */
    private boolean settle(String orderId, OrderStatus status, @Nullable String paymentId, @Nullable String shipmentId) {
        return tx.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE " + schema + ".orders SET status = ?,"
                    + " payment_id = ?, shipment_id = ?, updated_at = ? WHERE id = ? AND status = 'PENDING'")) {
                ps.setString(1, status.name());
                ps.setString(2, paymentId);
                ps.setString(3, shipmentId);
                ps.setTimestamp(4, Timestamp.from(clock.instant()));
                ps.setString(5, orderId);
                return ps.executeUpdate() == 1;
            }
        });
    }

    /**
     * An order.
     *
     * @param orderId the order's id
     * @return the order, empty if unknown
     */
    public Optional<Order> find(String orderId) {
        requireNonNull(orderId, "orderId");
        return tx.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT customer_id, shipping_address, lines, total, status,"
                    + " payment_id, shipment_id, created_at, updated_at FROM " + schema + ".orders WHERE id = ?")) {
                ps.setString(1, orderId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    return Optional.of(new Order(orderId, rs.getString(1), rs.getString(2),
                            Arrays.asList(JSON.read(rs.getString(3), OrderLine[].class)), rs.getBigDecimal(4),
                            OrderStatus.valueOf(rs.getString(5)), rs.getString(6), rs.getString(7),
                            rs.getTimestamp(8).toInstant(), rs.getTimestamp(9).toInstant()));
                }
            }
        });
    }
}
