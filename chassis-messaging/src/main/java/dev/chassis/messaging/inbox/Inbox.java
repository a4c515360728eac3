package dev.chassis.messaging.inbox;

import static java.util.Objects.requireNonNull;

import dev.chassis.core.bus.EventHandler;
import dev.chassis.core.inbox.InboxStore;
import dev.chassis.core.jdbc.TxRunner;
import java.time.Clock;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a consumer idempotent: {@link #handler(InboxHandler)} turns a transactional handler into an
 * {@link EventHandler} that, in one transaction of the {@link InboxStore}, records
 * {@code (consumer, envelope id)} first and runs the handler only when the record is new. Both commit
 * together, so a redelivered message is acknowledged with no second effect; when the handler throws,
 * effect and record roll back together and the retry runs it again. Two deliveries of the same id at
 * the same time resolve to one effect: the second waits for the first transaction and then skips.
 *
 * <pre>{@code
 * Inbox inbox = Inbox.jdbc(TxRunner.of(dataSource), "billing.invoice");
 * bus.subscribe(Subscription.builder("billing.invoice")
 *         .topic("order.placed")
 *         .handler(inbox.handler((delivery, tx) -> invoices.create(tx.connection(), delivery.envelope())))
 *         .build());
 * }</pre>
 *
 * <p>The consumer name is persisted: keep it stable across releases, and give each logical consumer
 * (usually each subscription queue) its own. Instances are immutable apart from their counters,
 * thread-safe and intended to be shared.
 */
public final class Inbox {
    private static final Logger LOG = LoggerFactory.getLogger(Inbox.class);

    private final InboxStore store;
    private final String consumer;
    private final Clock clock;
    private final LongAdder handled = new LongAdder();
    private final LongAdder duplicates = new LongAdder();

    private Inbox(InboxStore store, String consumer, Clock clock) {
        this.store = store;
        this.consumer = consumer;
        this.clock = clock;
    }

    /**
     * An inbox on the {@code chassis_inbox} table reached through the runner's data source (see
     * {@link InboxSchema}), using the system UTC clock.
     *
     * @param txRunner runs the inbox's transactions
     * @param consumer the consumer's stable name; not blank
     * @return the inbox
     */
    public static Inbox jdbc(TxRunner txRunner, String consumer) {
        return of(JdbcInboxStore.of(txRunner), consumer);
    }

    /**
     * An inbox with its own in-memory store, for the embedded default and tests. Its records vanish
     * with the JVM, and its handlers cannot use a database connection.
     *
     * @param consumer the consumer's stable name; not blank
     * @return the inbox
     */
    public static Inbox inMemory(String consumer) {
        return of(InMemoryInboxStore.create(), consumer);
    }

    /**
     * An inbox on any store, using the system UTC clock.
     *
     * @param store where the records are kept; may be shared by several inboxes
     * @param consumer the consumer's stable name; not blank
     * @return the inbox
     */
    public static Inbox of(InboxStore store, String consumer) {
        return of(store, consumer, Clock.systemUTC());
    }

    /**
     * An inbox on any store with a clock for the received-at time.
     *
     * @param store where the records are kept; may be shared by several inboxes
     * @param consumer the consumer's stable name; not blank
     * @param clock stamps each record's received-at time, which purging compares against
     * @return the inbox
     */
    public static Inbox of(InboxStore store, String consumer, Clock clock) {
        return new Inbox(requireNonNull(store, "store"), Checks.notBlank(consumer, "consumer"),
                requireNonNull(clock, "clock"));
    }

    /**
     * Wraps a handler.
     *
     * @param handler runs once per new message id, inside the inbox transaction
     * @return an event handler for a {@link dev.chassis.core.bus.Subscription}
     */
    public EventHandler handler(InboxHandler handler) {
        requireNonNull(handler, "handler");
        return delivery -> {
            String messageId = delivery.envelope().id();
            boolean isNew = store.inTransaction(tx -> {
                if (!tx.record(consumer, messageId, clock.instant())) {
                    return false;
                }
                handler.handle(delivery, tx);
                return true;
            });
            if (isNew) {
                handled.increment();
            } else {
                duplicates.increment();
                LOG.debug("inbox '{}' skipped duplicate message {} (attempt {}, redelivered {})", consumer, messageId,
                        delivery.attempt(), delivery.redelivered());
            }
        };
    }

    /** @return the consumer name records are kept under */
    public String consumer() {
        return consumer;
    }

    /** @return the store records are kept in */
    public InboxStore store() {
        return store;
    }

    /** @return how many messages this instance handled (committed) since it was created */
    public long handledCount() {
        return handled.sum();
    }

    /** @return how many deliveries this instance skipped as already handled since it was created */
    public long duplicateCount() {
        return duplicates.sum();
    }

    @Override
    public String toString() {
        return "Inbox{consumer=" + consumer + ", store=" + store + "}";
    }
}
