package dev.chassis.messaging.outbox;

import static java.util.Objects.requireNonNull;

import dev.chassis.core.saga.SagaMessage;
import dev.chassis.core.saga.SagaMessageHook;
import java.sql.Connection;
import java.util.List;

/**
 * Sends the commands of sagas stored in a {@link dev.chassis.core.saga.JdbcSagaStore} through the
 * transactional {@link Outbox}: as the store's {@link SagaMessageHook}, it adds one outbox message per
 * {@link SagaMessage} in the transaction that stores the saga's new state, so a command is published
 * if and only if the transition that sent it was stored. Each message goes to its topic with its key
 * (the saga id) as ordering key, so the relay publishes a saga's commands in the order they were
 * sent. An update that lost the revision check writes nothing, so the hook is not called for it.
 * Instances are immutable, thread-safe and intended to be shared.
 *
 * <pre>{@code
 * Outbox outbox = Outbox.create(b -> b.schema(outboxSchema));
 * JdbcSagaStore store = JdbcSagaStore.create(dataSource, b -> b
 *         .schema(sagaSchema)
 *         .messageHook(SagaOutbox.create(outbox)));
 * }</pre>
 *
 * <p>The envelopes are written as the saga built them; like every outbox message, one without a
 * correlation id or trace context gets those of the saving thread ({@link Outbox#add(Connection,
 * dev.chassis.core.outbox.OutboxMessage)}).
 */
public final class SagaOutbox implements SagaMessageHook {
    private final Outbox outbox;

    private SagaOutbox(Outbox outbox) {
        this.outbox = outbox;
    }

    /**
     * A hook writing to the given outbox.
     *
     * @param outbox the outbox, on the same database as the saga store
     * @return the hook
     */
    public static SagaOutbox create(Outbox outbox) {
        return new SagaOutbox(requireNonNull(outbox, "outbox"));
    }

    /**
     * Adds one outbox message per saga message on the save's connection, in the given order.
     *
     * @param tx the save's connection, in its transaction
     * @param messages the transition's messages
     * @throws IllegalArgumentException if a topic is not dot-separated words without wildcards (the
     *     save then stores nothing)
     * @throws dev.chassis.core.jdbc.DatabaseException if the database failed transiently
     */
    @Override
    public void write(Connection tx, List<SagaMessage> messages) {
        for (SagaMessage m : messages) {
            outbox.add(tx, m.topic(), m.key(), m.envelope());
        }
    }

    @Override
    public String toString() {
        return "SagaOutbox[" + outbox.schema().qualifiedTable() + "]";
    }
}
