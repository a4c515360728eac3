package dev.chassis.messaging.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.chassis.core.envelope.Envelope;
import dev.chassis.core.outbox.OutboxRecord;
import dev.chassis.core.outbox.OutboxStore;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * How often the relay reads unsent rows: while confirms are outstanding only when something may be
 * there, yet a new commit goes out without waiting for the earlier confirms; while messages flow,
 * also without notifications, and no more once they stop.
 */
class RelayReadsTest {
    private final InMemoryOutbox outbox = InMemoryOutbox.create(Clock.systemUTC());
    private final CountingStore store = new CountingStore(outbox.store());
    private final MutableCoordination coordination = new MutableCoordination(outbox, store);
    private final RecordingBus bus = new RecordingBus();
    private @Nullable RelayWorker worker;

    @AfterEach
    void tearDown() {
        bus.release();
        if (worker != null) {
            worker.stop();
        }
        bus.close();
    }

    /** Starts a relay polling every 8 s without notifications, and every {@code flowPoll} while messages flow. */
    private void startRelay(Duration flowPoll) {
        RelayWorker w = new RelayWorker("reads", store, coordination, bus, Clock.systemUTC(),
                new RelaySettings(100, Duration.ofSeconds(8), Duration.ofMillis(10), Duration.ofMillis(40),
                        Duration.ofSeconds(30), Duration.ofDays(1), Duration.ofHours(1), 100, 5, 1_000, flowPoll));
        worker = w;
        w.start();
    }

    @Test
    void readsOnlyAfterACommitWhileAConfirmIsOutstandingAndStillPublishesTheNewRowAtOnce() {
        // given: no flow poll within the test's time (it has a test of its own)
        bus.hold();
        startRelay(Duration.ofSeconds(8));
        outbox.add("order.placed", "k-1", envelope("first"));
        await().atMost(Duration.ofSeconds(5)).until(() -> bus.heldCount() == 1);
        int readsWithOneInFlight = store.reads.get();

        // when: nothing is committed for a while, then one row of another key
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
                .until(() -> store.reads.get() == readsWithOneInFlight);
        outbox.add("order.placed", "k-2", envelope("second"));

        // then
        await().atMost(Duration.ofMillis(1_000)).until(() -> bus.heldCount() == 2);
        assertThat(store.reads.get() - readsWithOneInFlight).as("reads for the one commit").isBetween(1, 2);
        bus.release();
        await().untilAsserted(() -> assertThat(bus.deliveredTexts()).containsExactlyInAnyOrder("first", "second"));
        await().until(() -> outbox.store().backlog() == 0);
    }

    @Test
    void readsTheRowsOfABusyKeyOnceItsConfirmArrives() {
        // given: the second row of k-1 must wait for the first one's confirm
        bus.hold();
        startRelay(Duration.ofSeconds(8));
        outbox.add("order.placed", "k-1", envelope("a1"));
        await().atMost(Duration.ofSeconds(5)).until(() -> bus.heldCount() == 1);
        outbox.add("order.placed", "k-1", envelope("a2"));
        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2)).until(() -> bus.heldCount() == 1);

        // when
        bus.release();

        // then: well within the 8 s poll interval
        await().atMost(Duration.ofMillis(1_000))
                .untilAsserted(() -> assertThat(bus.deliveredTexts()).containsExactly("a1", "a2"));
    }

    @Test
    void whileMessagesFlowReadsWithoutNotificationsAndStopsOnceTheyStop() {
        // given: the first row is notified, the following ones are not (their notifications are lost)
        startRelay(Duration.ofMillis(500));
        outbox.add("order.placed", envelope("m-0"));
        await().pollInterval(Duration.ofMillis(10)).atMost(Duration.ofSeconds(5))
                .until(() -> bus.deliveredTexts().size() == 1);
        coordination.mute(true);

        // when
        for (int i = 1; i <= 20; i++) {
            outbox.add("order.placed", envelope("m-" + i));
        }

        // then: published by the flow poll, well before the 8 s poll interval, and no reading on
        await("rows published by the flow poll").atMost(Duration.ofSeconds(4))
                .until(() -> bus.deliveredTexts().size() == 21);
        awaitNoReadsFor(Duration.ofMillis(1_500));
    }

    @Test
    void onceTheFlowStoppedALostNotificationWaitsForThePollInterval() {
        // given
        startRelay(Duration.ofMillis(500));
        outbox.add("order.placed", envelope("m-0"));
        await().atMost(Duration.ofSeconds(5)).until(() -> bus.deliveredTexts().size() == 1);
        awaitNoReadsFor(Duration.ofMillis(1_500));
        coordination.mute(true);

        // when
        outbox.add("order.placed", envelope("m-1"));

        // then: the fallback poll, not the flow poll, publishes it
        await().during(Duration.ofMillis(2_000)).atMost(Duration.ofSeconds(4))
                .until(() -> bus.deliveredTexts().size() == 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> bus.deliveredTexts().size() == 2);
    }

    /** Waits until the relay has not read for {@code quiet}. */
    private void awaitNoReadsFor(Duration quiet) {
        AtomicInteger seen = new AtomicInteger(store.reads.get());
        AtomicLong since = new AtomicLong(System.nanoTime());
        await("no reads for " + quiet).pollInterval(Duration.ofMillis(20)).atMost(Duration.ofSeconds(10)).until(() -> {
            int reads = store.reads.get();
            if (reads != seen.getAndSet(reads)) {
                since.set(System.nanoTime());
            }
            return System.nanoTime() - since.get() >= quiet.toNanos();
        });
    }

    private static Envelope envelope(String text) {
        return Envelope.builder().type("it.happened").source("/relay-reads")
                .data("text/plain", text.getBytes(StandardCharsets.UTF_8)).build();
    }

    /** The in-memory outbox's coordination, with notifications that can be lost on purpose. */
    private static final class MutableCoordination extends LocalCoordination {
        private volatile boolean muted;

        MutableCoordination(InMemoryOutbox outbox, OutboxStore store) {
            super(outbox, store);
        }

        void mute(boolean mute) {
            this.muted = mute;
        }

        @Override
        void added() {
            if (!muted) {
                super.added();
            }
        }
    }

    /** Counts the relay's reads of unsent rows. */
    private static final class CountingStore implements OutboxStore {
        final AtomicInteger reads = new AtomicInteger();
        private final OutboxStore delegate;

        CountingStore(OutboxStore delegate) {
            this.delegate = delegate;
        }

        @Override
        public List<OutboxRecord> unsent(int limit) {
            reads.incrementAndGet();
            return delegate.unsent(limit);
        }

        @Override
        public List<OutboxRecord> unsent(int limit, Set<Long> excluding) {
            reads.incrementAndGet();
            return delegate.unsent(limit, excluding);
        }

        @Override
        public void markSent(long id, Instant sentAt) {
            delegate.markSent(id, sentAt);
        }

        @Override
        public void markSent(Collection<Long> ids, Instant sentAt) {
            delegate.markSent(ids, sentAt);
        }

        @Override
        public int purgeSent(Instant sentBefore, int limit) {
            return delegate.purgeSent(sentBefore, limit);
        }

        @Override
        public long backlog() {
            return delegate.backlog();
        }

        @Override
        public Optional<Instant> oldestUnsent() {
            return delegate.oldestUnsent();
        }

        @Override
        public int markFailed(long id, String error, Instant failedAt, int maxAttempts) {
            return delegate.markFailed(id, error, failedAt, maxAttempts);
        }
    }
}
