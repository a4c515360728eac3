package dev.chassis.messaging.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.chassis.core.bus.RetryPolicy;
import dev.chassis.core.bus.Subscription;
import dev.chassis.core.envelope.Envelope;
import dev.chassis.core.jdbc.TxRunner;
import dev.chassis.core.outbox.OutboxRecord;
import dev.chassis.core.saga.JdbcSagaStore;
import dev.chassis.core.saga.SagaInstance;
import dev.chassis.core.saga.SagaMessage;
import dev.chassis.core.saga.SagaSchema;
import dev.chassis.core.saga.SagaState;
import dev.chassis.core.saga.SagaTransition;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import dev.chassis.messaging.RabbitEventBus;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A saga's state and its commands commit together through the outbox, and a lost update sends
 * nothing; also runs the outbox sample of docs/sagas.md.
 */
class SagaOutboxIT {
    private static final String RABBIT = System.getProperty("chassis.rabbit.uri", "amqp://guest:guest@127.0.0.1:5672/%2F");

    private final PgFixture pg = new PgFixture();
    private final SagaSchema sagaSchema = SagaSchema.of(pg.schema.schema());
    private final JdbcOutboxStore outboxRows = new JdbcOutboxStore(pg.dataSource, pg.schema);
    private final RecordingBus bus = pg.closeLater(new RecordingBus());

    @AfterEach
    void tearDown() throws Exception {
        pg.close();
    }

    @Test
    void anInsertAndAnUpdateCommitTheSagaRowAndItsOutboxRows() {
        // given
        DataSource dataSource = pg.dataSource;
        OutboxSchema outboxSchema = pg.schema;
        SagaSchema sagaSchema = this.sagaSchema;
        sagaSchema.create(dataSource);

        Outbox outbox = Outbox.create(b -> b.schema(outboxSchema));
        JdbcSagaStore store = JdbcSagaStore.create(dataSource, b -> b
                .schema(sagaSchema)
                .messageHook(SagaOutbox.create(outbox)));

        // when
        SagaInstance started = saga("order-saga-42");
        SagaMessage reserve = command(started, "stock.reserve");
        store.insert(started, List.of(reserve));
        SagaInstance reserved = next(started, SagaState.RUNNING, "step-succeeded");
        SagaMessage charge = command(reserved, "payment.charge");
        SagaMessage notify = command(reserved, "customer.notify");
        boolean updated = store.update(reserved, List.of(charge, notify));

        // then
        assertThat(updated).isTrue();
        assertThat(store.find("order-saga-42")).contains(reserved);
        List<OutboxRecord> rows = outboxRows.unsent(10);
        assertThat(rows).extracting(r -> r.message().topic())
                .containsExactly("stock.reserve", "payment.charge", "customer.notify");
        assertThat(rows).extracting(r -> r.message().orderingKey()).containsOnly("order-saga-42");
        assertThat(rows).extracting(r -> r.message().envelope().id())
                .containsExactly(reserve.envelope().id(), charge.envelope().id(), notify.envelope().id());
        Envelope written = rows.get(1).message().envelope();
        assertThat(written.type()).isEqualTo("payment.charge");
        assertThat(written.subject()).contains("order-saga-42");
        assertThat(written.data()).isEqualTo(charge.envelope().data());
        assertThat(store.toString()).contains(sagaSchema.qualifiedTable());
    }

    @Test
    void theCommandsOfAStoredSagaReachRabbitMqThroughTheRelay() throws Exception {
        // given (the sample of docs/sagas.md)
        DataSource dataSource = pg.dataSource;
        OutboxSchema outboxSchema = pg.schema;
        SagaSchema sagaSchema = this.sagaSchema;
        String exchange = "it." + pg.id + ".sagas";
        String queue = "it." + pg.id + ".inventory";
        RabbitEventBus rabbit = RabbitEventBus.builder().uri(RABBIT).exchange(exchange)
                .connectionName("it-saga-outbox-" + pg.id).publishConfirmTimeout(Duration.ofSeconds(5)).build();
        List<Envelope> received = new CopyOnWriteArrayList<>();
        rabbit.subscribe(Subscription.builder(queue).topic("stock.#").retry(RetryPolicy.none())
                .handler(d -> received.add(d.envelope())).build());
        List<AutoCloseable> running = new ArrayList<>();
        try {
            sagaSchema.create(dataSource);
            Outbox outbox = Outbox.create(b -> b.schema(outboxSchema));
            JdbcSagaStore store = JdbcSagaStore.create(dataSource, b -> b
                    .schema(sagaSchema)
                    .messageHook(SagaOutbox.create(outbox)));
            OutboxRelay relay = OutboxRelay.builder()
                    .dataSource(dataSource)
                    .schema(outboxSchema)
                    .eventBus(rabbit)
                    .build();
            relay.start();
            running.add(relay);

            // when a saga is stored with a command, and a transition that lost the revision check is refused
            SagaInstance started = saga("order-saga-11");
            SagaMessage reserve = command(started, "stock.reserve");
            store.insert(started, List.of(reserve));
            SagaInstance winner = next(started, SagaState.RUNNING, "step-succeeded");
            SagaInstance loser = next(started, SagaState.COMPENSATING, "cancelled");
            store.update(winner, List.of());
            SagaMessage release = command(loser, "stock.release");
            boolean loserStored = store.update(loser, List.of(release));

            // then the participant's queue gets the stored command only
            await().atMost(Duration.ofSeconds(30)).until(() -> !received.isEmpty() && relay.backlog() == 0);
            assertThat(loserStored).isFalse();
            assertThat(received).extracting(Envelope::id).containsExactly(reserve.envelope().id());
            assertThat(received.get(0).subject()).contains("order-saga-11");
            long orphans = received.stream().filter(e -> e.id().equals(release.envelope().id())).count();
            System.out.println("[saga outbox rabbit] stored=1 refused=1 published=" + received.size()
                    + " orphans=" + orphans);
        } finally {
            for (AutoCloseable c : running) {
                c.close();
            }
            rabbit.close();
            deleteTopology(queue, exchange);
        }
    }

    @Test
    void anUpdateThatLosesTheRevisionCheckWritesNoOutboxRow() {
        // given two orchestrators that both loaded revision 1
        JdbcSagaStore store = store();
        SagaInstance started = saga("order-saga-7");
        store.insert(started, List.of());
        SagaInstance first = next(started, SagaState.RUNNING, "step-succeeded");
        SagaInstance second = next(started, SagaState.COMPENSATING, "cancelled");

        // when
        boolean firstStored = store.update(first, List.of(command(first, "payment.charge")));
        boolean secondStored = store.update(second, List.of(command(second, "stock.release")));

        // then
        assertThat(firstStored).isTrue();
        assertThat(secondStored).isFalse();
        assertThat(store.find("order-saga-7")).contains(first);
        assertThat(outboxRows.unsent(10)).extracting(r -> r.message().topic()).containsExactly("payment.charge");
    }

    @Test
    void aRolledBackCallersTransactionWritesNeitherSagaNorCommands() {
        // given
        JdbcSagaStore store = store();
        SagaInstance saga = saga("order-saga-8");

        // when
        assertThatThrownBy(() -> TxRunner.of(pg.dataSource).inTransaction(tx -> {
            store.insert(tx, saga, List.of(command(saga, "stock.reserve")));
            throw new IllegalStateException("order rejected");
        })).hasMessage("order rejected");

        // then
        assertThat(store.find("order-saga-8")).isEmpty();
        assertThat(outboxRows.unsent(10)).isEmpty();
    }

    @Test
    void aCommandTheOutboxRefusesFailsTheSaveAndStoresNothing() {
        // given
        JdbcSagaStore store = store();
        SagaInstance started = saga("order-saga-9");
        store.insert(started, List.of());
        SagaInstance next = next(started, SagaState.RUNNING, "step-succeeded");

        // when / then
        assertThatThrownBy(() -> store.update(next, List.of(command(next, "payment.charge"), command(next, "stock.*"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("stock.*");
        assertThat(store.find("order-saga-9")).contains(started);
        assertThat(outboxRows.unsent(10)).isEmpty();
        assertThat(SagaOutbox.create(pg.outbox())).hasToString("SagaOutbox[" + pg.schema.qualifiedTable() + "]");
    }

    @Test
    void racingOrchestratorsPublishExactlyTheCommandsOfStoredTransitions() throws Exception {
        // given 6 orchestrators that each save a transition of the same revision of 10 sagas, 5 rounds
        JdbcSagaStore store = store();
        int orchestrators = 6;
        int sagas = 10;
        int rounds = 5;
        for (int s = 0; s < sagas; s++) {
            store.insert(saga("saga-" + s), List.of());
        }
        OutboxRelay relay = pg.closeLater(OutboxRelay.builder().name("saga-relay").dataSource(pg.pool("relay"))
                .schema(pg.schema).eventBus(bus).pollInterval(Duration.ofMillis(100)).build());
        relay.start();
        CyclicBarrier barrier = new CyclicBarrier(orchestrators);
        ConcurrentLinkedQueue<String> storedCommands = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<String> refusedCommands = new ConcurrentLinkedQueue<>();
        ExecutorService pool = Executors.newFixedThreadPool(orchestrators);
        try {
            // when
            List<Future<?>> done = new ArrayList<>();
            for (int o = 0; o < orchestrators; o++) {
                String me = "o" + o;
                done.add(pool.submit(() -> {
                    for (int r = 0; r < rounds; r++) {
                        barrier.await(30, TimeUnit.SECONDS);
                        List<SagaInstance> loaded = new ArrayList<>();
                        for (int s = 0; s < sagas; s++) {
                            loaded.add(store.find("saga-" + s).orElseThrow());
                        }
                        barrier.await(30, TimeUnit.SECONDS);
                        for (SagaInstance current : loaded) {
                            SagaInstance mine = next(current, SagaState.RUNNING, me);
                            SagaMessage command = command(mine, "step." + me);
                            (store.update(mine, List.of(command)) ? storedCommands : refusedCommands)
                                    .add(command.envelope().id());
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> relay.backlog() == 0
                && bus.delivered().size() >= storedCommands.size());

        // then
        List<String> delivered = bus.delivered().stream().map(Envelope::id).toList();
        Set<String> deliveredIds = new HashSet<>(delivered);
        long lost = storedCommands.stream().filter(id -> !deliveredIds.contains(id)).count();
        long orphans = refusedCommands.stream().filter(deliveredIds::contains).count();
        long duplicates = delivered.size() - deliveredIds.size();
        System.out.println("orchestrators=" + orchestrators + " sagas=" + sagas + " rounds=" + rounds + " stored="
                + storedCommands.size() + " refused=" + refusedCommands.size() + " delivered=" + delivered.size()
                + " lost=" + lost + " orphans=" + orphans + " duplicates=" + duplicates);
        assertThat(storedCommands).hasSize(sagas * rounds);
        assertThat(refusedCommands).hasSize(sagas * rounds * (orchestrators - 1));
        assertThat(lost).isZero();
        assertThat(orphans).isZero();
        assertThat(duplicates).isZero();
        for (int s = 0; s < sagas; s++) {
            assertThat(store.find("saga-" + s).orElseThrow().revision()).isEqualTo(rounds + 1);
        }
    }

    private static void deleteTopology(String queue, String exchange) throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri(RABBIT);
        try (Connection admin = factory.newConnection("it-saga-outbox-admin")) {
            for (String q : List.of(queue, queue + ".dlq")) {
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

    private JdbcSagaStore store() {
        sagaSchema.create(pg.dataSource);
        return JdbcSagaStore.create(pg.dataSource, b -> b.schema(sagaSchema).messageHook(SagaOutbox.create(pg.outbox())));
    }

    private static SagaInstance saga(String id) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        return new SagaInstance(id, "order", 1, SagaState.RUNNING, 0, 1, "{\"orderId\": \"" + id + "\"}",
                now.plusSeconds(30), 1, List.of(new SagaTransition(now, SagaState.RUNNING, null, "started", null)), now,
                now, null);
    }

    private static SagaInstance next(SagaInstance s, SagaState state, String event) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        List<SagaTransition> history = new ArrayList<>(s.history());
        history.add(new SagaTransition(now, state, "step-" + s.step(), event, null));
        return new SagaInstance(s.id(), s.type(), s.definitionVersion(), state, s.step() + 1, 1, s.data(),
                now.plusSeconds(30), s.revision() + 1, history, s.createdAt(), now,
                state == SagaState.COMPENSATING ? event : null);
    }

    private static SagaMessage command(SagaInstance saga, String topic) {
        return new SagaMessage(topic, saga.id(), Envelope.builder().type(topic).source("/order-saga")
                .subject(saga.id()).data(Map.of("saga", saga.id())).build());
    }
}
