package dev.chassis.examples.payment;

import static java.util.Objects.requireNonNull;

import dev.chassis.core.RetryableException;
import dev.chassis.core.jdbc.SchemaScripts;
import dev.chassis.core.jdbc.TxRunner;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The payments table, one row per order, in a schema of the service's own. {@link #charge} and
 * {@link #refund} run on the caller's connection, so the saga participant commits them with its
 * inbox record. An amount above the decline limit is declined.
 *
 * <pre>{@code
 * Payments payments = Payments.create(dataSource, "payments", new BigDecimal("1000.00"), Clock.systemUTC());
 * payments.createTables();
 * }</pre>
 *
 * <p>Instances are thread-safe and intended to be shared.
 */
public final class Payments {
    private static final String SQL = "/dev/chassis/examples/payment/payment.sql";
    private static final int LOCK_CLASS = 0x9A_7E;

    private final TxRunner tx;
    private final String schema;
    private final BigDecimal declineAbove;
    private final Clock clock;

    private Payments(DataSource dataSource, String schema, BigDecimal declineAbove, Clock clock) {
        this.tx = TxRunner.of(dataSource);
        this.schema = schema;
        this.declineAbove = declineAbove;
        this.clock = clock;
    }

    /**
     * The payments in a schema of a database.
     *
     * @param dataSource the service's database
     * @param schema the schema of the table, a lower-case identifier
     * @param declineAbove amounts above this are declined
     * @param clock stamps the rows
     * @return the payments; call {@link #createTables()} once before use
     * @throws IllegalArgumentException if the schema name is not a lower-case identifier or the limit is negative
     */
    public static Payments create(DataSource dataSource, String schema, BigDecimal declineAbove, Clock clock) {
        requireNonNull(dataSource, "dataSource");
        requireNonNull(declineAbove, "declineAbove");
        requireNonNull(clock, "clock");
        if (declineAbove.signum() < 0) {
            throw new IllegalArgumentException("declineAbove must be at least 0, was " + declineAbove);
        }
        return new Payments(dataSource, SchemaScripts.checkSchemaName(schema), declineAbove, clock);
    }

    /** @return the schema of the table */
    public String schema() {
        return schema;
    }

    /** @return amounts above this are declined */
    public BigDecimal declineAbove() {
        return declineAbove;
    }

    /** Creates the schema and the table if they do not exist; safe from several instances at once. */
    public void createTables() {
        SchemaScripts.create(tx.dataSource(), LOCK_CLASS, schema, Payments.class, List.of(SQL));
    }

    /**
     * The payment of an order.
     *
     * @param orderId the order
     * @return the payment, empty if the service never heard of the order
     */
    public Optional<Payment> payment(String orderId) {
        requireNonNull(orderId, "orderId");
        return tx.inTransaction(c -> find(c, orderId, false));
    }

    /**
     * Charges an order, or declines it if the amount is above the limit, unless the order has a
     * payment already (then that one is returned unchanged: charging twice charges once).
     *
     * @param connection the caller's transaction
     * @param orderId the order
     * @param customerId who pays
     * @param amount how much, positive
     * @return the payment: CHARGED, or DECLINED with the reason
     * @throws SQLException if the database fails
     * @throws dev.chassis.core.RetryableException if a refund of the same order committed meanwhile: roll back and retry
     */
    public Payment charge(Connection connection, String orderId, String customerId, BigDecimal amount)
            throws SQLException {
        Optional<Payment> existing = find(connection, orderId, true);
        if (existing.isPresent()) {
            return existing.get();
        }
        Payment payment = amount.compareTo(declineAbove) > 0
                ? new Payment(orderId, Payment.Status.DECLINED, null, amount,
                        "amount " + amount.toPlainString() + " is above the limit of " + declineAbove.toPlainString())
                : new Payment(orderId, Payment.Status.CHARGED, "pay-" + orderId, amount, null);
        try (PreparedStatement ps = connection.prepareStatement("INSERT INTO " + schema + ".payments(order_id,"
                + " payment_id, customer_id, amount, status, reason, created_at, updated_at)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (order_id) DO NOTHING")) {
            Timestamp now = Timestamp.from(clock.instant());
            ps.setString(1, orderId);
            ps.setString(2, payment.paymentId());
            ps.setString(3, customerId);
            ps.setBigDecimal(4, amount);
            ps.setString(5, payment.status().name());
            ps.setString(6, payment.reason());
            ps.setTimestamp(7, now);
            ps.setTimestamp(8, now);
            insertedOrRetry(ps, orderId);
        }
        return payment;
    }

    /**
     * Refunds an order's charge. A declined or refunded payment stays as it is; refunding an order
     * never charged records the refund, so a charge arriving late for it is not made.
     *
     * @param connection the caller's transaction
     * @param orderId the order
     * @return the payment afterwards: REFUNDED, or DECLINED as it was
     * @throws SQLException if the database fails
     * @throws dev.chassis.core.RetryableException if a charge of the same order committed meanwhile: roll back and retry
     */
    public Payment refund(Connection connection, String orderId) throws SQLException {
        Optional<Payment> existing = find(connection, orderId, true);
        Timestamp now = Timestamp.from(clock.instant());
        if (existing.isEmpty()) {
            try (PreparedStatement ps = connection.prepareStatement("INSERT INTO " + schema + ".payments(order_id,"
                    + " status, created_at, updated_at) VALUES (?, 'REFUNDED', ?, ?) ON CONFLICT (order_id) DO NOTHING")) {
                ps.setString(1, orderId);
                ps.setTimestamp(2, now);
                ps.setTimestamp(3, now);
                insertedOrRetry(ps, orderId);
            }
            return new Payment(orderId, Payment.Status.REFUNDED, null, null, null);
        }
        Payment payment = existing.get();
        if (payment.status() != Payment.Status.CHARGED) {
            return payment;
        }
        try (PreparedStatement ps = connection.prepareStatement("UPDATE " + schema
                + ".payments SET status = 'REFUNDED', updated_at = ? WHERE order_id = ?")) {
            ps.setTimestamp(1, now);
            ps.setString(2, orderId);
            ps.executeUpdate();
        }
        return new Payment(orderId, Payment.Status.REFUNDED, payment.paymentId(), payment.amount(), null);
    }

    /**
     * Runs an insert that does nothing on conflict. Nothing inserted means a charge and a refund of
     * the same order raced and the other committed first: the transaction rolls back, and the
     * redelivered command finds that row.
     */
    private static void insertedOrRetry(PreparedStatement insert, String orderId) throws SQLException {
        if (insert.executeUpdate() == 0) {
            throw new RetryableException("a concurrent command for order " + orderId + " committed first; retry");
        }
    }

    /** The payment of an order, read in the caller's transaction. */
    Optional<Payment> find(Connection c, String orderId) throws SQLException {
        return find(c, orderId, false);
    }

    private Optional<Payment> find(Connection c, String orderId, boolean forUpdate) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT status, payment_id, amount, reason FROM " + schema
                + ".payments WHERE order_id = ?" + (forUpdate ? " FOR UPDATE" : ""))) {
            ps.setString(1, orderId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Payment(orderId, Payment.Status.valueOf(rs.getString(1)), rs.getString(2),
                        rs.getBigDecimal(3), rs.getString(4)));
            }
        }
    }
}
