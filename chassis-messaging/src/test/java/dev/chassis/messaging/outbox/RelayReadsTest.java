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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * How often the relay reads unsent rows while confirms are outstanding: only when something may be
 * there, yet a new commit goes out without waiting for the earlier confirms.
 */
class RelayReadsTest {
    private final InMemoryOutbox outbox = InMemoryOutbox.create(Clock.systemUTC());
    private final CountingStore store = new CountingStore(outbox.store());
    private final RecordingBus bus = new RecordingBus();
    private final RelayWorker worker = new RelayWorker("reads", store, new LocalCoordination(outbox, store), bus,
            Clock.systemUTC(), new RelaySettings(100, Duration.ofSeconds(2), Duration.ofMillis(10), Duration.ofMillis(40),
                    Duration.ofSeconds(30), Duration.ofDays(1), Duration.ofHours(1), 100, 5, 1_000));

    @AfterEach
    void tearDown() {
        bus.release();
        worker.stop();
        bus.close();
    }

    @Test
    void readsOnlyAfterACommitWhileAConfirmIsOutstandingAndStillPublishesTheNewRowAtOnce() {
        // given
        bus.hold();
        worker.start();
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
        worker.start();
        outbox.add("order.placed", "k-1", envelope("a1"));
        await().atMost(Duration.ofSeconds(5)).until(() -> bus.heldCount() == 1);
        outbox.add("order.placed", "k-1", envelope("a2"));
        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2)).until(() -> bus.heldCount() == 1);

        // when
        bus.release();

        // then: well within the 2 s poll interval
        await().atMost(Duration.ofMillis(1_000))
                .untilAsserted(() -> assertThat(bus.deliveredTexts()).containsExactly("a1", "a2"));
    }

    private static Envelope envelope(String text) {
        return Envelope.builder().type("it.happened").source("/relay-reads")
                .data("text/plain", text.getBytes(StandardCharsets.UTF_8)).build();
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
