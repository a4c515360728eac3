package dev.chassis.messaging.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.chassis.core.envelope.Envelope;
import dev.chassis.core.jdbc.TxRunner;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Fault tests of the relay on the local PostgreSQL: transactions committing out of id order, two
 * relays on one table, sessions killed under the relay. Each prints Jepsen-style figures.
 */
class OutboxFaultIT {
    private static final Duration WAIT = Duration.ofSeconds(30);

    private final PgFixture pg = new PgFixture();
    private final RecordingBus bus = pg.closeLater(new RecordingBus());

    @AfterEach
    void tearDown() throws Exception {
        pg.close();
    }

    private OutboxRelay relay(String role) {
        return pg.closeLater(OutboxRelay.builder()
                .name("relay-" + role)
                .dataSource(pg.pool(role))
                .schema(pg.schema)
                .eventBus(bus)
                .batchSize(20)
                .pollInterval(Duration.ofMillis(200))
                .backoff(Duration.ofMillis(20), Duration.ofMillis(200))
                .publishTimeout(Duration.ofSeconds(5))
                .build());
    }

    @Test
    void publishesEveryCommittedMessageAlthoughTransactionsCommitOutOfIdOrder() throws Exception {
        // given
        relay("relay").start();
        Outbox outbox = pg.outbox();
        Set<String> committed = ConcurrentHashMap.newKeySet();
        Set<String> rolledBack = ConcurrentHashMap.newKeySet();
        Map<String, List<String>> committedPerKey = new ConcurrentHashMap<>();
        CountDownLatch slowInserted = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(9);

        // when: one transaction takes the lowest id and commits seconds later; 8 writers commit meanwhile
        Future<?> slow = pool.submit(() -> TxRunner.of(pg.dataSource).inTransaction(tx -> {
            Envelope e = PgFixture.envelope("slow");
            outbox.add(tx, "order.placed", "slow", e);
            slowInserted.countDown();
            pgSleep(tx, 3.0);
            committed.add(e.id());
            return null;
        }));
        assertThat(slowInserted.await(10, TimeUnit.SECONDS)).isTrue();
        List<Future<?>> writers = new ArrayList<>();
        for (int w = 0; w < 8; w++) {
            String key = "w" + w;
            writers.add(pool.submit(() -> {
                for (int i = 0; i < 25; i++) {
                    Envelope e = PgFixture.envelope(key + "-" + i);
                    boolean rollBack = ThreadLocalRandom.current().nextInt(5) == 0;
                    try {
                        TxRunner.of(pg.dataSource).inTransaction(tx -> {
                            outbox.add(tx, "order.placed", key, e);
                            pgSleep(tx, ThreadLocalRandom.current().nextInt(30) / 1000.0);
                            if (rollBack) {
                                throw new IllegalStateException("roll back");
                            }
                            return null;
                        });
                        committed.add(e.id());
                        committedPerKey.computeIfAbsent(key, k -> new ArrayList<>()).add(e.id());
                    } catch (IllegalStateException expected) {
                        rolledBack.add(e.id());
                    }
                }
            }));
        }
        for (Future<?> f : writers) {
            f.get(60, TimeUnit.SECONDS);
        }
        slow.get(60, TimeUnit.SECONDS);
        pool.shutdown();

        // then
        await().atMost(WAIT).until(() -> bus.countsById().keySet().containsAll(committed));
        await().atMost(WAIT).until(() -> pg.count("sent_at IS NULL") == 0);
        Map<String, Long> counts = bus.countsById();
        long skipped = committed.stream().filter(id -> !counts.containsKey(id)).count();
        long rolledBackPublished = rolledBack.stream().filter(counts::containsKey).count();
        report("commit-order-race", committed.size(), "skipped=" + skipped + " rolledBack=" + rolledBack.size()
                + " rolledBackPublished=" + rolledBackPublished);
        assertThat(skipped).isZero();
        assertThat(rolledBackPublished).isZero();
        assertOrderPerKey(committedPerKey);
    }

    @Test
    void twoRelaysPublishEachRowOnceThroughOneLeaderAndTheOtherTakesOver() throws Exception {
        // given
        OutboxRelay first = relay("first");
        OutboxRelay second = relay("second");
        first.start();
        second.start();
        await().atMost(WAIT).until(() -> first.isLeader() || second.isLeader());
        Map<String, List<String>> perKey = new ConcurrentHashMap<>();

        // when
        commitKeyed(perKey, 0, 60);
        await().atMost(WAIT).until(() -> bus.delivered().size() >= 60);
        OutboxRelay leader = first.isLeader() ? first : second;
        OutboxRelay standby = leader == first ? second : first;
        long standbyBefore = standby.published();
        assertThat(standby.isLeader()).isFalse();
        leader.close();
        commitKeyed(perKey, 60, 120);

        // then
        await().atMost(WAIT).until(() -> bus.delivered().size() >= 120 && standby.isLeader());
        assertThat(standbyBefore).as("the standby published nothing while the leader lived").isZero();
        assertThat(leader.published()).isEqualTo(60);
        assertThat(standby.published()).isEqualTo(60);
        report("two-relays", 120, "leaderPublished=" + leader.published() + " takeoverPublished=" + standby.published());
        assertOrderPerKey(perKey);
    }

    @Test
    void resumesByItselfAfterItsSessionsAreTerminatedUnderLoad() throws Exception {
        // given
        OutboxRelay relay = relay("victim");
        relay.start();
        await().atMost(WAIT).until(relay::isLeader);
        Map<String, List<String>> perKey = new ConcurrentHashMap<>();
        ExecutorService writer = Executors.newSingleThreadExecutor();

        // when: sessions are terminated while a writer keeps committing and the relay publishes
        Future<?> writes = writer.submit(() -> commitKeyed(perKey, 0, 300));
        int killed = 0;
        for (int round = 0; round < 3; round++) {
            int before = bus.delivered().size();
            await().atMost(WAIT).until(() -> bus.delivered().size() > before || writes.isDone());
            killed += pg.terminate("victim");
        }
        writes.get(60, TimeUnit.SECONDS);
        writer.shutdown();

        // then
        await().atMost(WAIT).until(() -> bus.countsById().size() >= 300);
        await().atMost(WAIT).until(() -> pg.count("sent_at IS NULL") == 0);
        await().atMost(WAIT).until(relay::isLeader);
        assertThat(killed).isGreaterThanOrEqualTo(1);
        report("terminate-backend", 300, "sessionsTerminated=" + killed);
        assertOrderPerKey(perKey);
    }

    @Test
    void aStandbyTakesOverWhenTheLeadersSessionsAreTerminated() throws Exception {
        // given
        OutboxRelay first = relay("first");
        first.start();
        await().atMost(WAIT).until(first::isLeader);
        OutboxRelay second = relay("second");
        second.start();
        Map<String, List<String>> perKey = new ConcurrentHashMap<>();
        commitKeyed(perKey, 0, 40);
        await().atMost(WAIT).until(() -> bus.countsById().size() >= 40);

        // when: the leader's sessions die; it may win the lock back, or the standby takes it
        int killed = pg.terminate("first");
        commitKeyed(perKey, 40, 80);

        // then
        await().atMost(WAIT).until(() -> bus.countsById().size() >= 80);
        await().atMost(WAIT).until(() -> pg.count("sent_at IS NULL") == 0);
        await().atMost(WAIT).until(() -> first.isLeader() ^ second.isLeader());
        report("leader-sessions-terminated", 80, "sessionsTerminated=" + killed + " firstPublished="
                + first.published() + " secondPublished=" + second.published());
        assertOrderPerKey(perKey);
    }

    private void commitKeyed(Map<String, List<String>> perKey, int from, int to) {
        for (int i = from; i < to; i++) {
            String key = "k" + (i % 4);
            Envelope e = PgFixture.envelope(key + "-" + i);
            pg.commit("order.placed", key, e);
            perKey.computeIfAbsent(key, k -> new ArrayList<>()).add(e.id());
        }
    }

    /** Per key, the first delivery of each message follows the commit order of that key. */
    private void assertOrderPerKey(Map<String, List<String>> committedPerKey) {
        List<String> deliveredIds = bus.delivered().stream().map(Envelope::id).distinct().collect(Collectors.toList());
        committedPerKey.forEach((key, ids) -> assertThat(deliveredIds.stream().filter(ids::contains)
                .collect(Collectors.toList())).as("order of key %s", key).containsExactlyElementsOf(ids));
    }

    private void report(String name, long committed, String extra) {
        Map<String, Long> counts = bus.countsById();
        long published = counts.size();
        long duplicated = counts.values().stream().mapToLong(n -> n - 1).sum();
        long lost = committed - published;
        System.out.printf("[outbox %s] committed=%d published=%d lost=%d duplicated=%d %s%n", name, committed,
                published, lost, duplicated, extra);
        assertThat(lost).isZero();
    }

    private static void pgSleep(Connection tx, double seconds) throws Exception {
        try (PreparedStatement ps = tx.prepareStatement("SELECT pg_sleep(?)")) {
            ps.setDouble(1, seconds);
            ps.execute();
        }
    }
}
