package dev.chassis.benchmarks;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.zaxxer.hikari.HikariDataSource;
import dev.chassis.core.bus.EventBus;
import dev.chassis.core.bus.RetryPolicy;
import dev.chassis.core.bus.Subscription;
import dev.chassis.core.envelope.Envelope;
import dev.chassis.core.inbox.InboxStore;
import dev.chassis.core.inbox.InboxTransaction;
import dev.chassis.core.jdbc.TxRunner;
import dev.chassis.core.saga.InMemorySagaStore;
import dev.chassis.core.saga.JdbcSagaStore;
import dev.chassis.core.saga.SagaAction;
import dev.chassis.core.saga.SagaCall;
import dev.chassis.core.saga.SagaCommand;
import dev.chassis.core.saga.SagaDefinition;
import dev.chassis.core.saga.SagaEnvelopes;
import dev.chassis.core.saga.SagaInstance;
import dev.chassis.core.saga.SagaListener;
import dev.chassis.core.saga.SagaOrchestrator;
import dev.chassis.core.saga.SagaSchema;
import dev.chassis.core.saga.SagaState;
import dev.chassis.core.saga.SagaStore;
import dev.chassis.messaging.InMemoryEventBus;
import dev.chassis.messaging.RabbitEventBus;
import dev.chassis.messaging.inbox.InMemoryInboxStore;
import dev.chassis.messaging.inbox.InboxSchema;
import dev.chassis.messaging.inbox.JdbcInboxStore;
import dev.chassis.messaging.outbox.Outbox;
import dev.chassis.messaging.outbox.OutboxRelay;
import dev.chassis.messaging.outbox.OutboxSchema;
import dev.chassis.messaging.outbox.SagaOutbox;
import dev.chassis.messaging.saga.SagaMessaging;
import dev.chassis.messaging.saga.SagaParticipantHandler;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Completed sagas per second for a 3-step saga (reserve, charge, ship), against the same participant
 * work done without the saga machinery, measured in the same run:
 * <ul>
 *   <li>in memory, call steps: an {@link InMemorySagaStore}, 4 threads each starting sagas whose three
 *       steps are calls of in-process participant functions; baseline: the same 3 functions called in a
 *       loop by 4 threads;</li>
 *   <li>in memory, command steps: the store hands commands to an {@link InMemoryEventBus}, participants
 *       reply through {@link SagaMessaging#participant} (in-memory inbox), the orchestrator gets the
 *       replies through {@link SagaMessaging#subscribeReplies}; {@code concurrency} sagas in flight;
 *       baseline: the same participants, driven by a reply subscriber that publishes the next command
 *       straight to the bus;</li>
 *   <li>RabbitMQ and PostgreSQL: a {@link JdbcSagaStore} whose commands leave through the outbox and an
 *       {@link OutboxRelay} on a {@link RabbitEventBus}; participants record the idempotency key in a
 *       PostgreSQL inbox with one effect row per command; baseline: the same participants driven by
 *       raw publish and subscribe on the same broker, without store, outbox or relay.</li>
 * </ul>
 * Round 0 of each part warms up; the median of the measured rounds is reported.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.chassis.benchmarks.SagaBenchmark [memorySagas] [rabbitSagas] [rounds] [concurrency]
 * </pre>
 */
public final class SagaBenchmark {
    private static final String URI = System.getProperty("rabbit.uri", "amqp://guest:guest@127.0.0.1:5672/%2F");
    private static final int THREADS = 4;
    private static final List<String> STEPS = List.of("reserve", "charge", "ship");
    private static final List<String> PARTICIPANTS = List.of("inventory", "payment", "shipping");
    private static final String REPLIES = "bench.reply";
    private static final RetryPolicy RETRY = RetryPolicy.builder().maxAttempts(5).build();

    /** The saga data. */
    public record Order(String orderId, long amountCents) {
    }

    private final String id = UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    private final Map<String, String> memoryEffects = new ConcurrentHashMap<>();

    private SagaBenchmark() {
    }

    /**
     * Runs the benchmark.
     *
     * @param args optional: sagas per in-memory round (default 20000), sagas per RabbitMQ round
     *     (default 500), measured rounds (default 3), sagas in flight for command steps (default 64)
     * @throws Exception on any database or broker failure
     */
    public static void main(String[] args) throws Exception {
        int memorySagas = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int rabbitSagas = args.length > 1 ? Integer.parseInt(args[1]) : 500;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        int concurrency = args.length > 3 ? Integer.parseInt(args[3]) : 64;
        new SagaBenchmark().run(memorySagas, rabbitSagas, rounds, concurrency);
    }

    private void run(int memorySagas, int rabbitSagas, int rounds, int concurrency) throws Exception {
        double[] calls = measure(rounds, r -> callSagas(memorySagas, r), r -> directCalls(memorySagas, r));
        report("in memory, call steps, " + THREADS + " threads, " + memorySagas + " sagas", calls, rounds);
        double[] memory = measure(rounds, r -> memoryCommandSagas(memorySagas / 4, concurrency, r, true),
                r -> memoryCommandSagas(memorySagas / 4, concurrency, r, false));
        report("in memory, command steps on InMemoryEventBus, " + concurrency + " in flight, " + memorySagas / 4
                + " sagas", memory, rounds);
        double[] rabbit = rabbit(rabbitSagas, concurrency, rounds);
        report("RabbitMQ + PostgreSQL, command steps through the outbox, " + concurrency + " in flight, " + rabbitSagas
                + " sagas", rabbit, rounds);
    }

    /** A round producing a rate (sagas per second). */
    @FunctionalInterface
    private interface RoundRun {
        double run(int round) throws Exception;
    }

    /** Runs saga and baseline rounds alternately; returns the medians {saga, baseline}. */
    private static double[] measure(int rounds, RoundRun saga, RoundRun baseline) throws Exception {
        List<Double> sagaRates = new ArrayList<>();
        List<Double> baseRates = new ArrayList<>();
        for (int r = 0; r <= rounds; r++) {
            double s = saga.run(r);
            double b = baseline.run(r);
            System.out.printf("  round %d: saga %.0f sagas/s, baseline %.0f/s%n", r, s, b);
            if (r > 0) {
                sagaRates.add(s);
                baseRates.add(b);
            }
        }
        return new double[] {median(sagaRates), median(baseRates)};
    }

    private static void report(String what, double[] rates, int rounds) {
        double perStepMicros = (1e6 / rates[0] - 1e6 / rates[1]) / STEPS.size();
        System.out.printf("RESULT %s (median of %d): saga %.0f sagas/s, baseline %.0f/s, ratio saga/baseline %.2f, "
                + "overhead per step %.1f us%n", what, rounds, rates[0], rates[1], rates[0] / rates[1], perStepMicros);
    }

    // ---- in memory, call steps

    private String participant(String step, Order order, String key) {
        memoryEffects.put(key, order.orderId() + ":" + step);
        return key;
    }

    private double callSagas(int sagas, int round) throws Exception {
        memoryEffects.clear();
        SagaDefinition.Builder<Order> b = SagaDefinition.builder("bench-call-saga", Order.class);
        for (String step : STEPS) {
            SagaCall<Order> call = (order, key) -> {
                participant(step, order, key);
                return order;
            };
            b.step(step, s -> s.action(SagaAction.call(call)));
        }
        SagaDefinition<Order> definition = b.build();
        SagaOrchestrator orchestrator = SagaOrchestrator.builder(InMemorySagaStore.create()).definition(definition).build();
        return parallel(sagas, i -> orchestrator.start(definition, "r" + round + "-" + i, new Order("o-" + i, 100)));
    }

    private double directCalls(int sagas, int round) throws Exception {
        memoryEffects.clear();
        return parallel(sagas, i -> {
            String sagaId = "r" + round + "-" + i;
            Order order = new Order("o-" + i, 100);
            for (String step : STEPS) {
                participant(step, order, SagaEnvelopes.idempotencyKey(sagaId, step, SagaEnvelopes.ACTION));
            }
        });
    }

    private static double parallel(int n, Consumer<Integer> work) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        AtomicInteger next = new AtomicInteger();
        long start = System.nanoTime();
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            done.add(pool.submit(() -> {
                for (int i; (i = next.getAndIncrement()) < n; ) {
                    work.accept(i);
                }
            }));
        }
        for (Future<?> f : done) {
            f.get(600, TimeUnit.SECONDS);
        }
        long nanos = System.nanoTime() - start;
        pool.shutdown();
        return n * 1e9 / nanos;
    }

    // ---- command steps, on any bus

    private static SagaDefinition<Order> commandDefinition() {
        SagaDefinition.Builder<Order> b = SagaDefinition.builder("bench-saga", Order.class);
        for (int s = 0; s < STEPS.size(); s++) {
            String topic = PARTICIPANTS.get(s) + "." + STEPS.get(s);
            b.step(STEPS.get(s), step -> step.action(SagaAction.command(o -> SagaCommand.of(topic, topic, o))));
        }
        return b.build();
    }

    /** The participants' handler: one effect per new key (a row, or a map entry), a reply every time. */
    private static SagaParticipantHandler participantHandler(String schema) {
        return (command, tx, firstTime) -> {
            if (firstTime) {
                effect(schema, command, tx);
            }
            return SagaEnvelopes.replyTo(command).source("/bench").type(command.type() + ".done").build();
        };
    }

    private static void effect(String schema, Envelope command, InboxTransaction tx) throws Exception {
        if (schema.isEmpty()) {
            return; // the in-memory inbox record is the effect
        }
        try (PreparedStatement ps = tx.connection().prepareStatement("INSERT INTO " + schema
                + ".effects(saga_key, order_id) VALUES (?, ?)")) {
            ps.setString(1, SagaEnvelopes.idempotencyKey(command).orElseThrow());
            ps.setString(2, command.dataAs(Order.class).orderId());
            ps.executeUpdate();
        }
    }

    private static void subscribeParticipants(EventBus bus, String prefix, InboxStore inbox, String schema,
            List<String> queues) {
        for (String p : PARTICIPANTS) {
            String queue = prefix + "." + p;
            queues.add(queue);
            bus.subscribe(Subscription.builder(queue).topic(p + ".*").concurrency(4).prefetch(100).retry(RETRY)
                    .handler(SagaMessaging.participant(inbox, p, bus, REPLIES, participantHandler(schema))).build());
        }
    }

    /** The command of step {@code s} of a saga, as the orchestrator would send it, built by hand. */
    private static Envelope rawCommand(String sagaId, int s, Order order) {
        String step = STEPS.get(s);
        String topic = PARTICIPANTS.get(s) + "." + step;
        String key = SagaEnvelopes.idempotencyKey(sagaId, step, SagaEnvelopes.ACTION);
        return Envelope.builder().id(key + ":1").source("/bench").type(topic).subject(sagaId).correlationId(sagaId)
                .extension(SagaEnvelopes.SAGA_ID, sagaId).extension(SagaEnvelopes.SAGA_STEP, step)
                .extension(SagaEnvelopes.SAGA_PHASE, SagaEnvelopes.ACTION).extension(SagaEnvelopes.SAGA_KEY, key)
                .extension(SagaEnvelopes.SAGA_ATTEMPT, 1).data(order).build();
    }

    private static String topicOf(int s) {
        return PARTICIPANTS.get(s) + "." + STEPS.get(s);
    }

    /** Runs {@code sagas} sagas with a window of {@code concurrency} through an orchestrator on the given store. */
    private static double sagaRound(SagaOrchestrator orchestrator, SagaDefinition<Order> definition, Semaphore window,
            CountDownLatch[] done, int sagas, int round) throws Exception {
        done[0] = new CountDownLatch(sagas);
        long start = System.nanoTime();
        for (int i = 0; i < sagas; i++) {
            window.acquire();
            orchestrator.start(definition, "r" + round + "-" + i, new Order("o-" + i, 100));
        }
        if (!done[0].await(600, TimeUnit.SECONDS)) {
            throw new IllegalStateException("sagas did not complete: " + done[0].getCount() + " left");
        }
        return sagas * 1e9 / (System.nanoTime() - start);
    }

    /** The same exchange without sagas: a reply subscriber publishes the next command straight to the bus. */
    private static double rawRound(EventBus bus, Semaphore window, CountDownLatch[] done, int sagas, int round)
            throws Exception {
        done[0] = new CountDownLatch(sagas);
        long start = System.nanoTime();
        for (int i = 0; i < sagas; i++) {
            window.acquire();
            String sagaId = "raw-r" + round + "-" + i;
            bus.publish(topicOf(0), rawCommand(sagaId, 0, new Order(sagaId, 100))).toCompletableFuture().join();
        }
        if (!done[0].await(600, TimeUnit.SECONDS)) {
            throw new IllegalStateException("raw exchanges did not complete: " + done[0].getCount() + " left");
        }
        return sagas * 1e9 / (System.nanoTime() - start);
    }

    private static Subscription rawDriver(EventBus bus, String queue, Semaphore window, CountDownLatch[] done) {
        return Subscription.builder(queue).topic(REPLIES).concurrency(4).prefetch(100).retry(RETRY).handler(d -> {
            Envelope reply = d.envelope();
            int s = STEPS.indexOf(reply.extension(SagaEnvelopes.SAGA_STEP).orElseThrow().toString());
            if (s == STEPS.size() - 1) {
                window.release();
                done[0].countDown();
            } else {
                String sagaId = reply.extension(SagaEnvelopes.SAGA_ID).orElseThrow().toString();
                // the replies carry no data (as in the saga runs): the next command's data is rebuilt from the id
                bus.publish(topicOf(s + 1), rawCommand(sagaId, s + 1, new Order(sagaId, 100)))
                        .toCompletableFuture().join();
            }
        }).build();
    }

    private static SagaListener completions(Semaphore window, CountDownLatch[] done) {
        return new SagaListener() {
            @Override
            public void onTransition(SagaInstance instance) {
                if (instance.state() == SagaState.COMPLETED) {
                    window.release();
                    done[0].countDown();
                }
            }
        };
    }

    // ---- in memory, command steps

    private double memoryCommandSagas(int sagas, int concurrency, int round, boolean saga) throws Exception {
        try (InMemoryEventBus bus = InMemoryEventBus.create()) {
            List<String> queues = new ArrayList<>();
            subscribeParticipants(bus, "bench", InMemoryInboxStore.create(), "", queues);
            Semaphore window = new Semaphore(concurrency);
            CountDownLatch[] done = new CountDownLatch[1];
            if (!saga) {
                bus.subscribe(rawDriver(bus, "bench.driver", window, done));
                return rawRound(bus, window, done, sagas, round);
            }
            SagaDefinition<Order> definition = commandDefinition();
            SagaStore store = InMemorySagaStore.create(m -> bus.publish(m.topic(), m.envelope()));
            SagaOrchestrator orchestrator = SagaOrchestrator.builder(store).definition(definition)
                    .listener(completions(window, done)).build();
            SagaMessaging.subscribeReplies(bus, orchestrator, "bench.replies", REPLIES);
            return sagaRound(orchestrator, definition, window, done, sagas, round);
        }
    }

    // ---- RabbitMQ and PostgreSQL

    private double[] rabbit(int sagas, int concurrency, int rounds) throws Exception {
        String schema = "bench_saga_" + id;
        List<String> queues = new ArrayList<>();
        List<String> exchanges = new ArrayList<>();
        try (HikariDataSource ds = BenchDatabase.pool(16)) {
            try (java.sql.Connection c = ds.getConnection(); Statement st = c.createStatement()) {
                st.execute("CREATE SCHEMA " + schema);
                st.execute("CREATE TABLE " + schema + ".effects(saga_key text NOT NULL, order_id text NOT NULL)");
            }
            SagaSchema sagaSchema = SagaSchema.of(schema);
            OutboxSchema outboxSchema = OutboxSchema.of(schema);
            sagaSchema.create(ds);
            outboxSchema.create(ds);
            InboxSchema.create(ds, schema);
            InboxStore inbox = JdbcInboxStore.of(TxRunner.of(ds), schema);
            try {
                return measure(rounds,
                        r -> rabbitRound(ds, inbox, sagaSchema, outboxSchema, sagas, concurrency, r, true, queues, exchanges),
                        r -> rabbitRound(ds, inbox, sagaSchema, outboxSchema, sagas, concurrency, r, false, queues, exchanges));
            } finally {
                try (java.sql.Connection c = ds.getConnection(); Statement st = c.createStatement()) {
                    st.execute("DROP SCHEMA " + schema + " CASCADE");
                }
                deleteTopology(queues, exchanges);
            }
        }
    }

    private double rabbitRound(HikariDataSource ds, InboxStore inbox, SagaSchema sagaSchema, OutboxSchema outboxSchema,
            int sagas, int concurrency, int round, boolean saga, List<String> queues, List<String> exchanges)
            throws Exception {
        String prefix = "bench." + id + "." + (saga ? "saga" : "raw") + round;
        exchanges.add(prefix);
        try (RabbitEventBus bus = RabbitEventBus.builder().uri(URI).exchange(prefix)
                .connectionName("bench-saga-" + id).build()) {
            subscribeParticipants(bus, prefix, inbox, sagaSchema.schema(), queues);
            Semaphore window = new Semaphore(concurrency);
            CountDownLatch[] done = new CountDownLatch[1];
            if (!saga) {
                queues.add(prefix + ".driver");
                bus.subscribe(rawDriver(bus, prefix + ".driver", window, done));
                return rawRound(bus, window, done, sagas, round);
            }
            SagaDefinition<Order> definition = commandDefinition();
            Outbox outbox = Outbox.create(b -> b.schema(outboxSchema));
            JdbcSagaStore store = JdbcSagaStore.create(ds, b -> b.schema(sagaSchema).messageHook(SagaOutbox.create(outbox)));
            SagaOrchestrator orchestrator = SagaOrchestrator.builder(store).definition(definition)
                    .listener(completions(window, done)).build();
            queues.add(prefix + ".replies");
            SagaMessaging.subscribeReplies(bus, orchestrator, prefix + ".replies", REPLIES);
            try (OutboxRelay relay = OutboxRelay.builder().name("bench-saga-" + id).dataSource(ds).schema(outboxSchema)
                    .eventBus(bus).build()) {
                relay.start();
                return sagaRound(orchestrator, definition, window, done, sagas, round);
            }
        }
    }

    private static void deleteTopology(List<String> queues, List<String> exchanges) throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri(URI);
        try (Connection admin = factory.newConnection("bench-saga-admin")) {
            for (String queue : queues) {
                List<String> names = new ArrayList<>(List.of(queue, queue + ".dlq"));
                for (RetryPolicy p : List.of(RETRY, SagaMessaging.REPLY_RETRY)) {
                    p.distinctDelays().forEach(d -> names.add(queue + ".retry." + d.toMillis() + "ms"));
                }
                for (String name : names) {
                    try (Channel ch = admin.createChannel()) {
                        ch.queueDelete(name);
                    }
                }
                try (Channel ch = admin.createChannel()) {
                    ch.exchangeDelete(queue + ".dlx");
                }
            }
            for (String exchange : exchanges) {
                try (Channel ch = admin.createChannel()) {
                    ch.exchangeDelete(exchange);
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
}
