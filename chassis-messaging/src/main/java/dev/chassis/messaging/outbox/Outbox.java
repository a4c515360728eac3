package dev.chassis.messaging.outbox;

import static java.util.Objects.requireNonNull;

import dev.chassis.core.envelope.CloudEventJson;
import dev.chassis.core.envelope.Envelope;
import dev.chassis.core.jdbc.TxRunner;
import dev.chassis.core.outbox.OutboxMessage;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Writes messages into the PostgreSQL {@code chassis_outbox} table on the caller's connection, so
 * they commit or roll back together with the caller's business change. Nothing reaches the broker
 * before the transaction commits: the {@link OutboxRelay} reads only committed rows. Each write also
 * sends a {@code NOTIFY} in the same transaction, which PostgreSQL delivers to the relay on commit
 * only. A business change that emits several messages writes them with {@link #addAll} in one round
 * trip. Instances are immutable, thread-safe and intended to be shared.
 *
 * <pre>{@code
 * Outbox outbox = Outbox.create(b -> b.schema(OutboxSchema.of("orders")));
 * TxRunner.of(dataSource).inTransaction(tx -> {
 *     orders.insert(tx, order);
 *     outbox.add(tx, "order.placed", order.id(), envelope);
 *     return null;
 * });
 * }</pre>
 */
public final class Outbox {
    /** Rows per insert statement of {@link #addAll}: 8 parameters each, well under PostgreSQL's 65,535. */
    static final int ROWS_PER_STATEMENT = 1000;
    private static final String ROW_PLACEHOLDERS = "(?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String INSERT_SUFFIX = " RETURNING id) SELECT id, pg_notify(?, '') FROM rows ORDER BY id";

    private final OutboxSchema schema;
    private final Clock clock;
    private final String insertPrefix;
    /** The statement of one row, the common case, made once. */
    private final String insertOne;

    private Outbox(Builder b) {
        this.schema = b.schema;
        this.clock = b.clock;
        // identity values are taken in the order of the VALUES list, so ids ascend with the list
        this.insertPrefix = "WITH rows AS (INSERT INTO " + schema.qualifiedTable()
                + " (topic, ordering_key, message_id, event_type, envelope, traceparent, tracestate, created_at)"
                + " VALUES ";
        this.insertOne = insertPrefix + ROW_PLACEHOLDERS + INSERT_SUFFIX;
    }

    /**
     * An outbox on the table in the {@code public} schema, using the system clock.
     *
     * @return the outbox
     */
    public static Outbox create() {
        return builder().build();
    }

    /**
     * An outbox configured by the given function.
     *
     * @param configure sets builder values
     * @return the outbox
     */
    public static Outbox create(Consumer<Builder> configure) {
        Builder b = builder();
        requireNonNull(configure, "configure").accept(b);
        return b.build();
    }

    /** @return a builder with the defaults: {@link OutboxSchema#defaults()}, the UTC system clock */
    public static Builder builder() {
        return new Builder();
    }

    /** @return where the table lives */
    public OutboxSchema schema() {
        return schema;
    }

    /**
     * Adds a message without an ordering key in the caller's transaction.
     *
     * @param tx the caller's connection, auto-commit off
     * @param topic the topic to publish to
     * @param envelope the envelope
     * @return the row id
     * @throws IllegalArgumentException if {@code tx} is in auto-commit mode, or the topic is not dot-separated
     *     words without wildcards
     * @throws dev.chassis.core.jdbc.DatabaseException if the database failed transiently
     */
    public long add(Connection tx, String topic, Envelope envelope) {
        return add(tx, OutboxMessage.of(topic, envelope));
    }

    /**
     * Adds a message with an ordering key in the caller's transaction. The relay publishes messages
     * with the same key in the order of their row ids.
     *
     * @param tx the caller's connection, auto-commit off
     * @param topic the topic to publish to
     * @param orderingKey e.g. the aggregate id
     * @param envelope the envelope
     * @return the row id
     * @throws IllegalArgumentException if {@code tx} is in auto-commit mode, or the topic is not dot-separated
     *     words without wildcards
     * @throws dev.chassis.core.jdbc.DatabaseException if the database failed transiently
     */
    public long add(Connection tx, String topic, String orderingKey, Envelope envelope) {
        return add(tx, OutboxMessage.of(topic, orderingKey, envelope));
    }

    /**
     * Adds a message in the caller's transaction. A {@code correlationid} missing on the envelope is
     * taken from the current {@link dev.chassis.core.context.CorrelationContext} (or started), and a
     * missing {@code traceparent}/{@code tracestate} from the current OpenTelemetry span, because the
     * relay publishes later on another thread.
     *
     * @param tx the caller's connection, auto-commit off
     * @param message the message
     * @return the row id
     * @throws IllegalArgumentException if {@code tx} is in auto-commit mode, or the topic is not dot-separated
     *     words without wildcards
     * @throws dev.chassis.core.jdbc.DatabaseException if the database failed transiently
     * @throws dev.chassis.core.NonRetryableException if the database failed otherwise
     */
    public long add(Connection tx, OutboxMessage message) {
        requireNonNull(message, "message");
        return addAll(tx, List.of(message)).get(0);
    }

    /**
     * Adds several messages in the caller's transaction, in one statement per
     * {@value #ROWS_PER_STATEMENT} messages: one round trip where {@link #add} takes one per message.
     * Ids ascend in the list's order, so messages with the same ordering key are published in that
     * order. Each message is stamped as {@link #add(Connection, OutboxMessage)} does.
     *
     * @param tx the caller's connection, auto-commit off
     * @param messages the messages, in the order to publish them
     * @return the row ids, in the order of {@code messages}
     * @throws IllegalArgumentException if {@code tx} is in auto-commit mode
     * @throws dev.chassis.core.jdbc.DatabaseException if the database failed transiently
     * @throws dev.chassis.core.NonRetryableException if the database failed otherwise
     */
    public List<Long> addAll(Connection tx, List<OutboxMessage> messages) {
        requireNonNull(tx, "tx");
        requireNonNull(messages, "messages");
        List<OutboxMessage> stamped = new ArrayList<>(messages.size());
        for (OutboxMessage message : messages) {
            stamped.add(CreationContext.stamp(requireNonNull(message, "a message in messages")));
        }
        try {
            if (tx.getAutoCommit()) {
                throw new IllegalArgumentException("tx is in auto-commit mode, so the message would commit apart from"
                        + " the business change; run it in a transaction (e.g. TxRunner.inTransaction)");
            }
            List<Long> ids = new ArrayList<>(stamped.size());
            for (int from = 0; from < stamped.size(); from += ROWS_PER_STATEMENT) {
                insert(tx, stamped.subList(from, Math.min(from + ROWS_PER_STATEMENT, stamped.size())), ids);
            }
            return List.copyOf(ids);
        } catch (SQLException e) {
            throw TxRunner.translate("adding to " + schema.qualifiedTable() + " failed", e);
        }
    }

    /** Inserts the rows in one statement that also notifies the relay once; appends their ids. */
    private void insert(Connection tx, List<OutboxMessage> rows, List<Long> ids) throws SQLException {
        String sql = insertOne;
        if (rows.size() > 1) {
            StringBuilder many = new StringBuilder(insertPrefix).append(ROW_PLACEHOLDERS);
            for (int i = 1; i < rows.size(); i++) {
                many.append(", ").append(ROW_PLACEHOLDERS);
            }
            sql = many.append(INSERT_SUFFIX).toString();
        }
        OffsetDateTime now = OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
        try (PreparedStatement ps = tx.prepareStatement(sql)) {
            int p = 1;
            for (OutboxMessage message : rows) {
                Envelope envelope = message.envelope();
                ps.setString(p++, message.topic());
                ps.setString(p++, message.orderingKey());
                ps.setString(p++, envelope.id());
                ps.setString(p++, envelope.type());
                ps.setBytes(p++, CloudEventJson.write(envelope));
                ps.setString(p++, envelope.traceparent().orElse(null));
                ps.setString(p++, envelope.tracestate().orElse(null));
                ps.setObject(p++, now);
            }
            ps.setString(p, schema.channel());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                }
            }
        }
    }

    /** Builds an {@link Outbox}. Not thread-safe; {@link #build()} copies. */
    public static final class Builder {
        private OutboxSchema schema = OutboxSchema.defaults();
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        /**
         * @param schema where the table lives; default {@link OutboxSchema#defaults()}
         * @return this builder
         */
        public Builder schema(OutboxSchema schema) {
            this.schema = requireNonNull(schema, "schema");
            return this;
        }

        /**
         * @param clock the clock of {@code created_at}; default the UTC system clock
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = requireNonNull(clock, "clock");
            return this;
        }

        /** @return the outbox */
        public Outbox build() {
            return new Outbox(this);
        }
    }
}
