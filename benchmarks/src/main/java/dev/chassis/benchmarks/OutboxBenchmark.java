package dev.chassis.benchmarks;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.zaxxer.hikari.HikariDataSource;
import dev.chassis.core.bus.DeadLetters;
import dev.chassis.core.bus.EventBus;
import dev.chassis.core.bus.Subscription;
import dev.chassis.core.bus.SubscriptionHandle;
import dev.chassis.core.envelope.Envelope;
import dev.chassis.core.jdbc.SqlWork;
import dev.chassis.core.jdbc.TxRunner;
import dev.chassis.core.outbox.OutboxMessage;
import dev.chassis.messaging.RabbitEventBus;
import dev.chassis.messaging.outbox.Outbox;
import dev.chassis.messaging.outbox.OutboxRelay;
import dev.chassis.messaging.outbox.OutboxSchema;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * The transactional outbox end to end on the local PostgreSQL and RabbitMQ, against publishing the
 * same envelopes directly through {@link RabbitEventBus}, measured in the same run:
 * <ul>
 *   <li>throughput: {@code messages} envelopes of 1 KiB from the producer to the handler. Outbox: 4
 *       writer threads each commit a business row and its outbox row per transaction (and again with
 *       10 outbox rows per transaction, written by one {@code Outbox.addAll}), one
 *       {@link OutboxRelay} publishes, one subscription handles. Direct: one thread publishes the same
 *       envelopes asynchronously with publisher confirms to the same subscription. Timed until the
 *       handler saw the last message; median of the measured rounds, after a warm-up round.</li>
 *   <li>latency: from the return of the commit to the handler, at a fixed 1,000 transactions/s for
 *       {@code seconds} seconds (p50, p99, max), and again at 100/s, below the relay's capacity; split
 *       at the relay's call of {@code publish} (seen by wrapping the bus it is given) into the relay's
 *       part and the broker's and consumer's part.</li>
 * </ul>
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.chassis.benchmarks.OutboxBenchmark [messages] [rounds] [seconds]
 * </pre>
 */
public final class OutboxBenchmark {
    private static final String URI = System.getProperty("rabbit.uri", "amqp://guest:guest@127.0.0.1:5672/%2F");
    private static final String TOPIC = "bench.outbox";
    private static final int WRITERS = 4;
    /** Events per transaction of the second outbox throughput part, as when one business change emits several. */
    private static final int EVENTS_PER_BATCH = 10;
    /** Writers of the fixed-rate runs: enough that commits waiting on the WAL flush still keep up with 1,000/s. */
    private static final int RATE_WRITERS = 8;
    private static final int RATE = 1_000;
    /** A rate below the relay's capacity on the reference machine, so latency is not queueing. */
    private static final int LOW_RATE = 100;
    private static final byte[] PAYLOAD = new byte[1024];

    private final String id = UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    private final OutboxSchema schema = OutboxSchema.of("bench_outbox_" + id);
    private final String business = schema.schema() + ".business";
    private final String exchange = "bench." + id + ".outbox";
    private final String queue = "bench." + id + ".handler";
    private final AtomicReference<Round> current = new AtomicReference<>();

    private OutboxBenchmark() {
    }

    /**
     * Runs the benchmark.
     *
     * @param args optional: messages per throughput round (default 10000), measured rounds (default 3),
     *     seconds of the latency run (default 10)
     * @throws Exception on any database or broker failure
     */
    public static void main(String[] args) throws Exception {
        int messages = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        Arrays.fill(PAYLOAD, (byte) 'x');
        new OutboxBenchmark().run(messages, rounds, seconds);
    }

    private void run(int messages, int rounds, int seconds) throws Exception {
        try (HikariDataSource ds = BenchDatabase.pool(RATE_WRITERS + 4);
                RabbitEventBus bus = RabbitEventBus.builder().uri(URI).exchange(exchange)
                        .connectionName("bench-outbox-" + id).build()) {
            schema.create(ds);
            try (java.sql.Connection c = ds.getConnection(); Statement st = c.createStatement()) {
                st.execute("CREATE TABLE " + business + " (id text PRIMARY KEY, amount int NOT NULL)");
            }
            bus.subscribe(Subscription.builder(queue).topic(TOPIC).prefetch(250).handler(d -> {
                Round round = current.get();
                if (round != null) {
                    round.handled(d.envelope().id());
                }
            }).build());
            // throughput first: it warms the JIT up for the relay drain and for the direct publishes
            // the drain is compared with, so that neither is measured cold
            List<Double> outboxRates = new ArrayList<>();
            List<Double> outboxBatchRates = new ArrayList<>();
            List<Double> directRates = new ArrayList<>();
            List<Double> directConfirmRates = new ArrayList<>();
            try (OutboxRelay relay = OutboxRelay.builder().name("bench").dataSource(ds).schema(schema).eventBus(bus)
                    .build()) {
                relay.start();
                for (int r = 0; r <= rounds; r++) {
                    double outbox = throughputOutbox(ds, messages, 1);
                    double outboxBatch = throughputOutbox(ds, messages, EVENTS_PER_BATCH);
                    double[] direct = throughputDirect(bus, messages);
                    if (r > 0) { // round 0 warms up
                        outboxRates.add(outbox);
                        outboxBatchRates.add(outboxBatch);
                        directRates.add(direct[0]);
                        directConfirmRates.add(direct[1]);
                    }
                    System.out.printf("throughput round %d: outbox %.0f msg/s (%d per transaction: %.0f msg/s), direct"
                            + " %.0f msg/s (confirmed after %.0f msg/s)%n", r, outbox, EVENTS_PER_BATCH, outboxBatch,
                            direct[0], direct[1]);
                }
            }
            // each drain round next to a direct round, so both run at the same warmth and machine load
            List<Double> drainRates = new ArrayList<>();
            List<Double> drainDirectRates = new ArrayList<>();
            for (int r = 0; r <= rounds; r++) {
                double drain = throughputDrain(ds, bus, messages);
                double direct = throughputDirect(bus, messages)[0];
                if (r > 0) {
                    drainRates.add(drain);
                    drainDirectRates.add(direct);
                }
                System.out.printf("relay drain round %d: %.0f msg/s, direct %.0f msg/s%n", r, drain, direct);
            }
            OutboxRelay relay = OutboxRelay.builder().name("bench").dataSource(ds).schema(schema)
                    .eventBus(new TimedBus(bus, current)).build();
            relay.start();
            try {
                double outbox = median(outboxRates);
                double outboxBatch = median(outboxBatchRates);
                double direct = median(directRates);
                double directConfirm = median(directConfirmRates);
                Outbox outboxWriter = Outbox.create(b -> b.schema(schema));
                Write viaOutbox = (tx, e, round) -> {
                    commit(tx, e, c -> outboxWriter.add(c, TOPIC, e));
                    round.committed(e.id());
                };
                // the baseline: the seed's dual write, publishing straight after the commit (unsafe, but
                // it shows what this machine's database, broker and harness give without an outbox)
                Write dualWrite = (tx, e, round) -> {
                    commit(tx, e, c -> null);
                    round.committed(e.id());
                    bus.publish(TOPIC, e);
                };
                latency(ds, LOW_RATE, 2, viaOutbox); // warm-up
                latency(ds, LOW_RATE, 2, dualWrite);
                long[] lat = latency(ds, RATE, seconds, viaOutbox);
                long[] base = latency(ds, RATE, seconds, dualWrite);
                long[] low = latency(ds, LOW_RATE, seconds, viaOutbox);
                long[] lowBase = latency(ds, LOW_RATE, seconds, dualWrite);
                System.out.printf("RESULT throughput (1 KiB, commit -> handler, %d messages, median of %d): outbox "
                        + "%.0f msg/s, direct publish -> handler %.0f msg/s, ratio %.2f; direct confirmed publish "
                        + "alone %.0f msg/s, ratio %.2f%n", messages, rounds, outbox, direct, outbox / direct,
                        directConfirm, outbox / directConfirm);
                System.out.printf("RESULT throughput, %d events per transaction (1 KiB, commit -> handler, %d messages,"
                        + " median of %d): outbox %.0f msg/s, direct publish -> handler %.0f msg/s, ratio %.2f%n",
                        EVENTS_PER_BATCH, messages, rounds, outboxBatch, direct, outboxBatch / direct);
                double drain = median(drainRates);
                double drainDirect = median(drainDirectRates);
                System.out.printf("RESULT relay drain (%d committed messages, relay started afterwards, commit -> handler,"
                        + " median of %d): outbox %.0f msg/s, direct publish -> handler %.0f msg/s, ratio %.2f%n",
                        messages, rounds, drain, drainDirect, drain / drainDirect);
                System.out.printf("RESULT latency commit -> handler at %d/s for %d s (achieved %d tx/s, %d messages):"
                        + " p50 %.1f ms, p99 %.1f ms, max %.1f ms%n", RATE, seconds, lat[3], lat[4], lat[0] / 1e6,
                        lat[1] / 1e6, lat[2] / 1e6);
                System.out.printf("RESULT latency commit -> handler at %d/s for %d s (achieved %d tx/s, %d messages):"
                        + " p50 %.1f ms, p99 %.1f ms, max %.1f ms%n", LOW_RATE, seconds, low[3], low[4], low[0] / 1e6,
                        low[1] / 1e6, low[2] / 1e6);
                for (long[][] pair : List.of(new long[][] {lat, base}, new long[][] {low, lowBase})) {
                    long[] o = pair[0];
                    long[] d = pair[1];
                    System.out.printf("RESULT latency baseline at %d/s, commit then direct publish (no outbox; achieved %d"
                            + " tx/s): p50 %.1f ms, p99 %.1f ms, max %.1f ms; outbox p99 / baseline p99 = %.2f%n",
                            o == lat ? RATE : LOW_RATE, d[3], d[0] / 1e6, d[1] / 1e6, d[2] / 1e6, (double) o[1] / d[1]);
                }
                for (long[] run : List.of(lat, low)) {
                    System.out.printf("RESULT latency split at %d/s: commit -> relay publish p50 %.1f ms, p99 %.1f ms;"
                            + " relay publish -> handler p50 %.1f ms, p99 %.1f ms%n", run == lat ? RATE : LOW_RATE,
                            run[5] / 1e6, run[6] / 1e6, run[7] / 1e6, run[8] / 1e6);
                }
            } finally {
                relay.close();
                // closed before its queues go, or its subscription would declare them again on the cancel
                bus.close();
                cleanUp(ds);
            }
        }
    }

    /**
     * Outbox: 4 writers commit {@code messages} events, {@code perTransaction} of them with one
     * business row per transaction; timed until the handler saw them all.
     */
    private double throughputOutbox(HikariDataSource ds, int messages, int perTransaction) throws Exception {
        Envelope[] envelopes = envelopes(messages);
        Round round = new Round(messages);
        current.set(round);
        Outbox outbox = Outbox.create(b -> b.schema(schema));
        TxRunner tx = TxRunner.of(ds);
        ExecutorService writers = Executors.newFixedThreadPool(WRITERS);
        AtomicInteger next = new AtomicInteger();
        long start = System.nanoTime();
        List<Future<?>> done = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
            done.add(writers.submit(() -> {
                for (int from; (from = next.getAndAdd(perTransaction)) < messages; ) {
                    int first = from;
                    int to = Math.min(from + perTransaction, messages);
                    commit(tx, envelopes[first], c -> {
                        if (perTransaction == 1) {
                            return outbox.add(c, TOPIC, envelopes[first]);
                        }
                        List<OutboxMessage> batch = new ArrayList<>(to - first);
                        for (int i = first; i < to; i++) {
                            batch.add(OutboxMessage.of(TOPIC, envelopes[i]));
                        }
                        return outbox.addAll(c, batch);
                    });
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get(300, TimeUnit.SECONDS);
        }
        writers.shutdown();
        long committedNanos = System.nanoTime() - start;
        round.await("outbox");
        long handledNanos = System.nanoTime() - start;
        System.out.printf("  outbox round (%d per transaction): writers committed at %.0f tx/s, the handler saw the last"
                + " message after %.1f s%n", perTransaction, (double) messages / perTransaction * 1e9 / committedNanos,
                handledNanos / 1e9);
        return messages * 1e9 / handledNanos;
    }

    /**
     * Relay alone: {@code messages} rows are committed (100 per transaction) while no relay runs, then a
     * relay starts; timed from its start until the handler saw them all. This separates the relay's rate
     * from the database's commit rate, which bounds the one-message-per-transaction rounds.
     */
    private double throughputDrain(HikariDataSource ds, RabbitEventBus bus, int messages) throws Exception {
        Envelope[] envelopes = envelopes(messages);
        Round round = new Round(messages);
        current.set(round);
        Outbox outbox = Outbox.create(b -> b.schema(schema));
        TxRunner tx = TxRunner.of(ds);
        for (int from = 0; from < messages; from += 100) {
            int start = from;
            tx.inTransaction(c -> {
                for (int i = start; i < Math.min(start + 100, messages); i++) {
                    outbox.add(c, TOPIC, envelopes[i]);
                }
                return null;
            });
        }
        OutboxRelay relay = OutboxRelay.builder().name("bench-drain").dataSource(ds).schema(schema).eventBus(bus).build();
        long start = System.nanoTime();
        relay.start();
        try {
            round.await("relay drain");
        } finally {
            relay.close();
        }
        return messages * 1e9 / (System.nanoTime() - start);
    }

    /** Direct: confirmed publishes of the same kind of envelopes; rates until all handled and all confirmed. */
    private double[] throughputDirect(RabbitEventBus bus, int messages) throws Exception {
        Envelope[] envelopes = envelopes(messages);
        Round round = new Round(messages);
        current.set(round);
        CountDownLatch confirmed = new CountDownLatch(messages);
        AtomicLong failed = new AtomicLong();
        long start = System.nanoTime();
        for (Envelope e : envelopes) {
            bus.publish(TOPIC, e).whenComplete((ok, x) -> {
                if (x != null) {
                    failed.incrementAndGet();
                }
                confirmed.countDown();
            });
        }
        if (!confirmed.await(300, TimeUnit.SECONDS) || failed.get() > 0) {
            throw new IllegalStateException("direct publish failed: " + failed.get());
        }
        long confirmedNanos = System.nanoTime() - start;
        round.await("direct");
        long handledNanos = System.nanoTime() - start;
        return new double[] {messages * 1e9 / handledNanos, messages * 1e9 / confirmedNanos};
    }

    /**
     * Commits at a fixed rate from a pool of writers; returns p50, p99, max (ns), the achieved rate and
     * the message count.
     */
    private long[] latency(HikariDataSource ds, int rate, int seconds, Write write) throws Exception {
        int messages = rate * seconds;
        Envelope[] envelopes = envelopes(messages);
        Round round = new Round(messages);
        current.set(round);
        TxRunner tx = TxRunner.of(ds);
        ExecutorService writers = Executors.newFixedThreadPool(RATE_WRITERS);
        long interval = 1_000_000_000L / rate;
        long start = System.nanoTime();
        List<Future<?>> done = new ArrayList<>(messages);
        for (int i = 0; i < messages; i++) {
            long due = start + i * interval;
            for (long wait; (wait = due - System.nanoTime()) > 0; ) {
                LockSupport.parkNanos(wait);
            }
            Envelope e = envelopes[i];
            done.add(writers.submit(() -> {
                write.write(tx, e, round);
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get(60, TimeUnit.SECONDS);
        }
        long achieved = Math.round(messages * 1e9 / (System.nanoTime() - start));
        long drainStart = System.nanoTime();
        writers.shutdown();
        round.await("latency");
        System.out.printf("  latency run at %d/s: the handler saw the last message %.1f s after the last commit%n", rate,
                (System.nanoTime() - drainStart) / 1e9);
        long[] sorted = round.latencies();
        Arrays.sort(sorted);
        long[] relayPart = round.commitToPublish();
        long[] brokerPart = round.publishToHandler();
        return new long[] {p(sorted, 0.5), p(sorted, 0.99), sorted[sorted.length - 1], achieved, messages,
                p(relayPart, 0.5), p(relayPart, 0.99), p(brokerPart, 0.5), p(brokerPart, 0.99)};
    }

    /** The percentile of a sorted array. */
    private static long p(long[] sorted, double fraction) {
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[Math.max(0, (int) Math.ceil(sorted.length * fraction) - 1)];
    }

    /** One business transaction: the business row and whatever {@code alsoInTx} writes, committed together. */
    private void commit(TxRunner tx, Envelope e, SqlWork<?> alsoInTx) {
        tx.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + business + " (id, amount) VALUES (?, ?)")) {
                ps.setString(1, e.id());
                ps.setInt(2, 42);
                ps.executeUpdate();
            }
            return alsoInTx.apply(c);
        });
    }

    /** How a latency run's writer commits one message and notes its commit time. */
    @FunctionalInterface
    private interface Write {
        void write(TxRunner tx, Envelope e, Round round);
    }

    private static Envelope[] envelopes(int messages) {
        Envelope[] envelopes = new Envelope[messages];
        for (int i = 0; i < messages; i++) {
            // made before timing: the benchmark measures the delivery path, not envelope creation
            envelopes[i] = Envelope.builder().type(TOPIC).source("/bench").data("application/octet-stream", PAYLOAD)
                    .build();
        }
        return envelopes;
    }

    private void cleanUp(HikariDataSource ds) throws Exception {
        try (java.sql.Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.execute("DROP SCHEMA IF EXISTS " + schema.schema() + " CASCADE");
        }
        ConnectionFactory f = new ConnectionFactory();
        f.setUri(URI);
        try (Connection admin = f.newConnection("bench-outbox-admin-" + id)) {
            for (String q : List.of(queue, queue + ".dlq", queue + ".retry.1000ms", queue + ".retry.2000ms",
                    queue + ".retry.4000ms", queue + ".retry.8000ms")) {
                try (Channel ch = admin.createChannel()) {
                    ch.queueDelete(q);
                }
            }
            for (String x : List.of(queue + ".dlx", exchange)) {
                try (Channel ch = admin.createChannel()) {
                    ch.exchangeDelete(x);
                }
            }
        }
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(Double::compare);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /** One measured round: which ids were committed when, and when the handler first saw each. */
    private static final class Round {
        private final CountDownLatch handled;
        private final Map<String, Long> committedAt = new ConcurrentHashMap<>();
        private final Map<String, Long> handledAt = new ConcurrentHashMap<>();
        private final Map<String, Long> publishedAt = new ConcurrentHashMap<>();

        Round(int messages) {
            handled = new CountDownLatch(messages);
        }

        void committed(String messageId) {
            committedAt.put(messageId, System.nanoTime());
        }

        void published(String messageId) {
            publishedAt.putIfAbsent(messageId, System.nanoTime());
        }

        void handled(String messageId) {
            if (handledAt.putIfAbsent(messageId, System.nanoTime()) == null) {
                handled.countDown();
            }
        }

        void await(String what) throws InterruptedException {
            if (!handled.await(300, TimeUnit.SECONDS)) {
                throw new IllegalStateException(what + ": " + handled.getCount() + " messages not handled");
            }
        }

        /** Sorted; empty when the bus was not wrapped. */
        long[] commitToPublish() {
            return committedAt.entrySet().stream().filter(e -> publishedAt.containsKey(e.getKey()))
                    .mapToLong(e -> Math.max(0, publishedAt.get(e.getKey()) - e.getValue())).sorted().toArray();
        }

        /** Sorted; empty when the bus was not wrapped. */
        long[] publishToHandler() {
            return publishedAt.entrySet().stream().filter(e -> handledAt.containsKey(e.getKey()))
                    .mapToLong(e -> Math.max(0, handledAt.get(e.getKey()) - e.getValue())).sorted().toArray();
        }

        long[] latencies() {
            return committedAt.entrySet().stream().mapToLong(e -> Math.max(0, handledAt.get(e.getKey()) - e.getValue())).toArray();
        }
    }

    /** The relay's bus, noting when the relay calls {@code publish} for each message of the current round. */
    private static final class TimedBus implements EventBus {
        private final EventBus bus;
        private final AtomicReference<Round> current;

        TimedBus(EventBus bus, AtomicReference<Round> current) {
            this.bus = bus;
            this.current = current;
        }

        @Override
        public CompletionStage<Void> publish(String topic, Envelope envelope) {
            Round round = current.get();
            if (round != null) {
                round.published(envelope.id());
            }
            return bus.publish(topic, envelope);
        }

        @Override
        public SubscriptionHandle subscribe(Subscription subscription) {
            return bus.subscribe(subscription);
        }

        @Override
        public DeadLetters deadLetters() {
            return bus.deadLetters();
        }

        @Override
        public void close() {
            // the wrapped bus is closed by its owner
        }
    }
}
