package dev.chassis.core.eventsourcing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.chassis.core.jdbc.TxRunner;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A reader following {@code readAll} while writers commit out of order, roll back, and one holds its
 * transaction open: it must see every committed event once and nothing else.
 */
class JdbcEventStoreGapSafetyIT {
    private static final int WRITERS = 8;
    private static final int TRANSACTIONS_AFTER_HELD = 40;
    private static final long HELD_MILLIS = 3_000;

    private final StorePg pg = new StorePg(WRITERS + 4);
    private final JdbcEventStore store = pg.store();
    private final TxRunner tx = TxRunner.of(pg.dataSource);
    private final Set<String> committed = ConcurrentHashMap.newKeySet();
    private final Set<String> rolledBack = ConcurrentHashMap.newKeySet();
    private final Map<String, Long> seenAt = new ConcurrentHashMap<>();
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicLong outOfOrder = new AtomicLong();
    private final AtomicLong transactions = new AtomicLong();

    @AfterEach
    void tearDown() throws Exception {
        pg.close();
    }

    @Test
    void theReaderSeesEveryCommittedEventOnceAndNoRolledBackOneWhileATransactionIsHeldOpen() throws Exception {
        // given a reader that follows the store from the start
        AtomicBoolean stopReading = new AtomicBoolean();
        AtomicBoolean heldEnded = new AtomicBoolean();
        AtomicLong heldEndedAt = new AtomicLong(Long.MAX_VALUE);
        AtomicReference<String> heldEvent = new AtomicReference<>();
        AtomicLong heldTransaction = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(WRITERS + 2);
        Future<?> reader = pool.submit(() -> read(stopReading));

        // when 8 writers commit with random delays and roll back about 5 %, while one transaction stays open 3 s
        List<Future<?>> writers = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
            int writer = w;
            writers.add(pool.submit(() -> write(writer, heldEnded)));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> committed.size() >= 50);
        Future<?> held = pool.submit(() -> tx.inTransaction(c -> {
            NewEvent e = NewEvent.of("held.open", 1, "{}");
            store.append(c, "held", ExpectedVersion.any(), List.of(e));
            heldEvent.set(e.id());
            heldTransaction.set(currentTransaction(c));
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(HELD_MILLIS));
            heldEndedAt.set(System.nanoTime());
            return null;
        }));
        held.get(60, TimeUnit.SECONDS);
        committed.add(heldEvent.get());
        heldEnded.set(true);
        for (Future<?> f : writers) {
            f.get(120, TimeUnit.SECONDS);
        }

        // then the reader catches up with everything committed, and only with that
        await().atMost(Duration.ofSeconds(60)).until(() -> seenAt.keySet().containsAll(committed));
        stopReading.set(true);
        reader.get(30, TimeUnit.SECONDS);
        pool.shutdown();
        long skipped = committed.stream().filter(id -> !seenAt.containsKey(id)).count();
        long rolledBackSeen = rolledBack.stream().filter(seenAt::containsKey).count();
        long unknownSeen = seenAt.keySet().stream().filter(id -> !committed.contains(id)).count();
        List<RecordedEvent> all = store.readAll(GlobalPosition.START, 1_000_000);
        long passedHeld = all.stream().filter(e -> e.position().transaction() > heldTransaction.get())
                .filter(e -> seenAt.get(e.id()) < heldEndedAt.get()).count();
        long waitedForHeld = all.stream().filter(e -> e.position().transaction() > heldTransaction.get())
                .filter(e -> seenAt.get(e.id()) >= heldEndedAt.get()).count();
        System.out.printf("writers=%d transactions=%d committedEvents=%d rolledBackEvents=%d seen=%d skipped=%d "
                        + "duplicates=%d rolledBackSeen=%d outOfOrder=%d heldOpenMs=%d waitedForHeld=%d passedHeld=%d "
                        + "caughtUpMs=%d%n", WRITERS, transactions.get(), committed.size(), rolledBack.size(), seenAt.size(),
                skipped, duplicates.get(), rolledBackSeen, outOfOrder.get(), HELD_MILLIS, waitedForHeld, passedHeld,
                Math.max(0, TimeUnit.NANOSECONDS.toMillis(seenAt.get(heldEvent.get()) - heldEndedAt.get())));
        assertThat(skipped).isZero();
        assertThat(duplicates.get()).isZero();
        assertThat(rolledBackSeen).isZero();
        assertThat(unknownSeen).isZero();
        assertThat(outOfOrder.get()).isZero();
        assertThat(rolledBack).isNotEmpty();
        assertThat(passedHeld).as("events read past the open transaction before it ended").isZero();
        assertThat(waitedForHeld).as("events committed while the transaction was open").isPositive();
        assertThat(seenAt.get(heldEvent.get())).isGreaterThanOrEqualTo(heldEndedAt.get());
    }

    private Void write(int writer, AtomicBoolean heldEnded) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int afterHeld = 0;
        while (afterHeld < TRANSACTIONS_AFTER_HELD) {
            if (heldEnded.get()) {
                afterHeld++;
            }
            List<NewEvent> events = new ArrayList<>();
            for (int i = random.nextInt(1, 4); i > 0; i--) {
                events.add(NewEvent.of("gap.tested", 1, "{\"writer\": " + writer + "}"));
            }
            boolean rollBack = random.nextInt(100) < 5;
            String stream = "s-" + random.nextInt(40);
            transactions.incrementAndGet();
            try {
                tx.inTransaction(c -> {
                    store.append(c, stream, ExpectedVersion.any(), events);
                    LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(random.nextInt(0, 5_000)));
                    if (rollBack) {
                        throw new IllegalStateException("rolled back on purpose");
                    }
                    return null;
                });
                events.forEach(e -> committed.add(e.id()));
            } catch (IllegalStateException expected) {
                events.forEach(e -> rolledBack.add(e.id()));
            }
        }
        return null;
    }

    private Void read(AtomicBoolean stop) {
        GlobalPosition last = GlobalPosition.START;
        while (!stop.get()) {
            List<RecordedEvent> page = store.readAll(last, 200);
            long now = System.nanoTime();
            for (RecordedEvent e : page) {
                if (!e.position().isAfter(last)) {
                    outOfOrder.incrementAndGet();
                }
                last = e.position();
                if (seenAt.putIfAbsent(e.id(), now) != null) {
                    duplicates.incrementAndGet();
                }
            }
            if (page.isEmpty()) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5)); // polling interval of a follower
            }
        }
        return null;
    }

    private static long currentTransaction(java.sql.Connection c) throws java.sql.SQLException {
        try (var st = c.createStatement(); var rs = st.executeQuery("SELECT pg_current_xact_id()::text::bigint")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
