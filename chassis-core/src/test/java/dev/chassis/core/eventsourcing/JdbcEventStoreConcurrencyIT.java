package dev.chassis.core.eventsourcing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Many writers on one stream with optimistic concurrency, against the local PostgreSQL. */
class JdbcEventStoreConcurrencyIT {
    private static final int APPENDERS = 16;
    private static final int EVENTS = 600;

    private final StorePg pg = new StorePg(APPENDERS);

    @AfterEach
    void tearDown() throws Exception {
        pg.close();
    }

    @Test
    void sixteenWritersRacingOnOneStreamStoreContiguousVersionsWithoutDuplicates() throws Exception {
        // given 16 writers that each read the version, append exactly after it and retry when they lose
        JdbcEventStore store = pg.store();
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        AtomicLong conflicts = new AtomicLong();
        AtomicLong wrongActual = new AtomicLong();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(APPENDERS);
        List<Future<?>> done = new ArrayList<>();

        // when
        for (int w = 0; w < APPENDERS; w++) {
            done.add(pool.submit(() -> {
                start.await();
                for (long v; (v = store.version("hot")) < EVENTS; ) {
                    NewEvent e = NewEvent.of("counter.incremented", 1, "{\"writer\": 1}");
                    try {
                        store.append("hot", ExpectedVersion.exactly(v), List.of(e));
                        acknowledged.add(e.id());
                    } catch (ConcurrencyException x) {
                        conflicts.incrementAndGet();
                        if (x.actual() <= v) {
                            wrongActual.incrementAndGet();
                        }
                    }
                }
                return null;
            }));
        }
        long began = System.nanoTime();
        start.countDown();
        for (Future<?> f : done) {
            f.get(300, TimeUnit.SECONDS);
        }
        double seconds = (System.nanoTime() - began) / 1e9;
        pool.shutdown();

        // then
        List<RecordedEvent> events = store.read("hot");
        long duplicates = events.size() - events.stream().map(RecordedEvent::id).distinct().count();
        System.out.printf("appenders=%d appended=%d acknowledged=%d conflicts=%d duplicates=%d unacknowledged=%d "
                        + "seconds=%.1f appends/s=%.0f%n", APPENDERS, events.size(), acknowledged.size(), conflicts.get(),
                duplicates, events.stream().filter(e -> !acknowledged.contains(e.id())).count(), seconds,
                events.size() / seconds);
        assertThat(events).extracting(RecordedEvent::version)
                .containsExactlyElementsOf(LongStream.rangeClosed(1, EVENTS).boxed().toList());
        assertThat(duplicates).isZero();
        assertThat(events).extracting(RecordedEvent::id).containsExactlyInAnyOrderElementsOf(acknowledged);
        assertThat(conflicts.get()).as("losers got ConcurrencyException").isPositive();
        assertThat(wrongActual.get()).as("conflicts whose actual version was not past the expected one").isZero();
    }
}
