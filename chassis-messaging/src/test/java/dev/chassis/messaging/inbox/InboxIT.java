package dev.chassis.messaging.inbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.chassis.testkit.time.TestClock;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.chassis.core.bus.EventHandler;
import dev.chassis.core.jdbc.TxRunner;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The JDBC inbox against the local PostgreSQL: one effect per message id, whatever the deliveries. */
class InboxIT {
    private static final String CONSUMER = "billing.invoice";

    private PgSchema schema;
    private HikariDataSource pool;
    private TxRunner tx;
    private ExecutorService threads;

    @BeforeEach
    void setUp() throws Exception {
        schema = new PgSchema();
        HikariConfig config = new HikariConfig();
        config.setDataSource(schema.dataSource);
        config.setMaximumPoolSize(12);
        config.setPoolName("inbox-it");
        pool = new HikariDataSource(config);
        tx = TxRunner.of(pool);
        threads = Executors.newCachedThreadPool();
    }

    @AfterEach
    void tearDown() throws Exception {
        threads.shutdownNow();
        threads.awaitTermination(10, TimeUnit.SECONDS);
        pool.close();
        schema.close();
    }

    @Test
    void aRedeliveredMessageHasOneEffect() throws Exception {
        // given
        Inbox inbox = Inbox.jdbc(tx, CONSUMER);
        EventHandler handler = inbox.handler((delivery, t) -> Effects.insert(t.connection(), CONSUMER, delivery));

        // when the same message arrives three times
        handler.handle(Effects.delivery("order-1", 1));
        handler.handle(Effects.delivery("order-1", 1));
        handler.handle(Effects.delivery("order-1", 2));

        // then
        assertThat(schema.count("effects")).isEqualTo(1);
        assertThat(schema.count("chassis_inbox")).isEqualTo(1);
        assertThat(inbox.handledCount()).isEqualTo(1);
        assertThat(inbox.duplicateCount()).isEqualTo(2);
    }

    @Test
    void aHandlerFailureRollsBackEffectAndRecordSoTheRedeliveryHasOneEffect() throws Exception {
        // given a handler that fails after its effect the first time
        AtomicInteger calls = new AtomicInteger();
        Inbox inbox = Inbox.jdbc(tx, CONSUMER);
        EventHandler handler = inbox.handler((delivery, t) -> {
            Effects.insert(t.connection(), CONSUMER, delivery);
            if (calls.incrementAndGet() == 1) {
                throw new IOException("mail server down");
            }
        });

        // when
        assertThatThrownBy(() -> handler.handle(Effects.delivery("order-1", 1)))
                .as("the handler's own exception reaches the bus unchanged, so it retries")
                .isInstanceOf(IOException.class).hasMessage("mail server down");

        // then nothing stayed
        assertThat(schema.count("effects")).isZero();
        assertThat(schema.count("chassis_inbox")).isZero();

        // and the redelivery runs the handler again, once
        handler.handle(Effects.delivery("order-1", 2));
        handler.handle(Effects.delivery("order-1", 3));
        assertThat(calls).hasValue(2);
        assertThat(schema.count("effects")).isEqualTo(1);
        assertThat(schema.count("chassis_inbox")).isEqualTo(1);
    }

    @Test
    void aConcurrentDuplicateWaitsForTheFirstDeliveryAndThenSkips() throws Exception {
        // given a first delivery whose effect is written but not committed yet
        CountDownLatch effectWritten = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger calls = new AtomicInteger();
        EventHandler handler = Inbox.jdbc(tx, CONSUMER).handler((delivery, t) -> {
            calls.incrementAndGet();
            Effects.insert(t.connection(), CONSUMER, delivery);
            effectWritten.countDown();
            release.await();
        });
        Future<?> first = threads.submit(() -> {
            handler.handle(Effects.delivery("order-1", 1));
            return null;
        });
        assertThat(effectWritten.await(10, TimeUnit.SECONDS)).isTrue();

        // when a second delivery of the same id arrives on another connection
        Future<?> second = threads.submit(() -> {
            handler.handle(Effects.delivery("order-1", 1));
            return null;
        });

        // then it waits on the record's primary key, and after the commit skips the handler
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> !second.isDone());
        release.countDown();
        first.get(10, TimeUnit.SECONDS);
        second.get(10, TimeUnit.SECONDS);
        assertThat(calls).hasValue(1);
        assertThat(schema.count("effects")).isEqualTo(1);
    }

    @Test
    void underRepeatableReadAConcurrentDuplicateFailsRetryablyAndItsRedeliveryIsSkipped() throws Exception {
        // given a first delivery holding its record, on a runner with REPEATABLE READ
        CountDownLatch effectWritten = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger calls = new AtomicInteger();
        Inbox inbox = Inbox.jdbc(tx.withIsolation(java.sql.Connection.TRANSACTION_REPEATABLE_READ), CONSUMER);
        EventHandler handler = inbox.handler((delivery, t) -> {
            if (calls.incrementAndGet() == 1) {
                Effects.insert(t.connection(), CONSUMER, delivery);
                effectWritten.countDown();
                release.await();
            }
        });
        Future<?> first = threads.submit(() -> {
            handler.handle(Effects.delivery("order-1", 1));
            return null;
        });
        assertThat(effectWritten.await(10, TimeUnit.SECONDS)).isTrue();

        // when a concurrent duplicate waits and the first commits
        Future<?> second = threads.submit(() -> {
            handler.handle(Effects.delivery("order-1", 1));
            return null;
        });
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> !second.isDone());
        release.countDown();
        first.get(10, TimeUnit.SECONDS);

        // then the duplicate fails with a retryable serialization failure, and its redelivery is skipped
        assertThat(second).failsWithin(Duration.ofSeconds(10)).withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .havingCause().isInstanceOf(dev.chassis.core.jdbc.DatabaseException.class)
                .withMessageContaining("40001");
        handler.handle(Effects.delivery("order-1", 2));
        assertThat(calls).hasValue(1);
        assertThat(inbox.duplicateCount()).isEqualTo(1);
        assertThat(schema.count("effects")).isEqualTo(1);
    }

    @Test
    void withALockTimeoutAWaitingDuplicateFailsRetryably() throws Exception {
        // given connections with a lock timeout, and a first delivery that holds its record
        org.postgresql.ds.PGSimpleDataSource timed = new org.postgresql.ds.PGSimpleDataSource();
        timed.setURL(PgSchema.URL);
        timed.setUser("postgres");
        timed.setCurrentSchema(schema.name);
        timed.setOptions("-c lock_timeout=200ms");
        CountDownLatch effectWritten = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger calls = new AtomicInteger();
        Inbox inbox = Inbox.jdbc(TxRunner.of(timed), CONSUMER);
        EventHandler handler = inbox.handler((delivery, t) -> {
            if (calls.incrementAndGet() == 1) {
                Effects.insert(t.connection(), CONSUMER, delivery);
                effectWritten.countDown();
                release.await();
            }
        });
        Future<?> first = threads.submit(() -> {
            handler.handle(Effects.delivery("order-1", 1));
            return null;
        });
        assertThat(effectWritten.await(10, TimeUnit.SECONDS)).isTrue();

        // when a duplicate waits longer than the lock timeout
        assertThatThrownBy(() -> handler.handle(Effects.delivery("order-1", 1)))

                // then it fails retryably, and once the first committed its redelivery is skipped
                .isInstanceOf(dev.chassis.core.jdbc.DatabaseException.class).hasMessageContaining("55P03");
        release.countDown();
        first.get(10, TimeUnit.SECONDS);
        handler.handle(Effects.delivery("order-1", 2));
        assertThat(calls).hasValue(1);
        assertThat(schema.count("effects")).isEqualTo(1);
    }

    @Test
    void eightThreadsDeliveringTheSameThousandIdsHaveExactlyOneThousandEffects() throws Exception {
        // given
        int threadCount = 8;
        int ids = 1_000;
        Inbox inbox = Inbox.jdbc(tx, CONSUMER);
        EventHandler handler = inbox.handler((delivery, t) -> Effects.insert(t.connection(), CONSUMER, delivery));
        AtomicInteger delivered = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        List<CompletableFuture<Void>> runs = new ArrayList<>();

        // when every thread delivers every id, each in its own order
        for (int t = 0; t < threadCount; t++) {
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < ids; i++) {
                order.add(i);
            }
            Collections.shuffle(order, new Random(t));
            runs.add(CompletableFuture.runAsync(() -> {
                try {
                    start.await();
                    for (int i : order) {
                        handler.handle(Effects.delivery("order-" + i, 1));
                        delivered.incrementAndGet();
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, threads));
        }
        start.countDown();
        CompletableFuture.allOf(runs.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);

        // then
        long effects = schema.count("effects");
        long duplicateEffects = schema.duplicateEffects();
        System.out.printf("inbox concurrent duplicates: threads=%d ids=%d delivered=%d effects=%d duplicateEffects=%d "
                + "skipped=%d%n", threadCount, ids, delivered.get(), effects, duplicateEffects, inbox.duplicateCount());
        assertThat(delivered).hasValue(threadCount * ids);
        assertThat(duplicateEffects).isZero();
        assertThat(effects).isEqualTo(ids);
        assertThat(inbox.handledCount()).isEqualTo(ids);
        assertThat(inbox.duplicateCount()).isEqualTo((long) (threadCount - 1) * ids);
    }

    @Test
    void purgeRemovesOnlyOldRecordsAndRecentIdsStayDeduplicated() throws Exception {
        // given records received 8 days ago and 1 day ago
        TestClock clock = TestClock.at("2026-03-01T00:00:00Z");
        JdbcInboxStore store = JdbcInboxStore.of(tx);
        Inbox inbox = Inbox.of(store, CONSUMER, clock);
        EventHandler handler = inbox.handler((delivery, t) -> Effects.insert(t.connection(), CONSUMER, delivery));
        for (int i = 0; i < 25; i++) {
            handler.handle(Effects.delivery("old-" + i, 1));
        }
        clock.advance(Duration.ofDays(7));
        for (int i = 0; i < 5; i++) {
            handler.handle(Effects.delivery("recent-" + i, 1));
        }
        clock.advance(Duration.ofDays(1));

        // when
        long purged;
        try (InboxPurger purger = InboxPurger.builder(store).retention(Duration.ofDays(7)).batchSize(10).clock(clock)
                .build()) {
            purged = purger.purgeNow();
        }

        // then
        assertThat(purged).isEqualTo(25);
        assertThat(schema.count("chassis_inbox")).isEqualTo(5);
        handler.handle(Effects.delivery("recent-0", 2));
        assertThat(schema.count("effects")).as("a recent id is still deduplicated").isEqualTo(30);
        handler.handle(Effects.delivery("old-0", 2));
        assertThat(schema.count("effects")).as("an id redelivered after the retention is handled again").isEqualTo(31);
    }

    @Test
    void aStartedPurgerPurgesOnItsSchedule() throws Exception {
        // given
        TestClock clock = TestClock.at("2026-03-01T00:00:00Z");
        JdbcInboxStore store = JdbcInboxStore.of(tx);
        EventHandler handler = Inbox.of(store, CONSUMER, clock)
                .handler((delivery, t) -> Effects.insert(t.connection(), CONSUMER, delivery));
        handler.handle(Effects.delivery("old-1", 1));
        clock.advance(Duration.ofDays(30));
        handler.handle(Effects.delivery("recent-1", 1));
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

        // when
        try (InboxPurger purger = InboxPurger.builder(store).clock(clock).scheduler(scheduler)
                .interval(Duration.ofMillis(20)).build()) {
            purger.start();

            // then
            await().atMost(Duration.ofSeconds(10)).until(() -> schema.count("chassis_inbox") == 1);
        } finally {
            scheduler.shutdownNow();
        }
        assertThat(store.count()).isEqualTo(1);
    }
}
