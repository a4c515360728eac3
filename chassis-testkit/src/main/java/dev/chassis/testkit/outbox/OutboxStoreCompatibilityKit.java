package dev.chassis.testkit.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chassis.core.envelope.Envelope;
import dev.chassis.core.outbox.OutboxMessage;
import dev.chassis.core.outbox.OutboxRecord;
import dev.chassis.core.outbox.OutboxStore;
import dev.chassis.core.outbox.ParkedMessage;
import dev.chassis.testkit.time.TestClock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every promise of {@link OutboxStore} as a JUnit 5 test; each store implementation extends this
 * class, supplies the store and writes messages through its own write path.
 *
 * <pre>{@code
 * class InMemoryOutboxStoreTest extends OutboxStoreCompatibilityKit {
 *     private InMemoryOutbox outbox;
 *
 *     protected OutboxStore createStore(Clock clock) {
 *         outbox = InMemoryOutbox.create(clock);
 *         return outbox.store();
 *     }
 *
 *     protected void commit(List<OutboxMessage> messages) {
 *         messages.forEach(outbox::add);
 *     }
 * }
 * }</pre>
 *
 * <p>The kit hands {@link #createStore(Clock)} a clock it moves by hand; the writes of
 * {@link #commit(List)} must take their creation time from it. Times are whole milliseconds so that
 * stores keeping microseconds compare equal. A new instance runs each test (JUnit's default
 * lifecycle); instances are not thread-safe.
 */
public abstract class OutboxStoreCompatibilityKit {
    private final TestClock clock = TestClock.at("2026-01-01T10:00:00Z");
    private OutboxStore store;

    /** For subclasses. */
    protected OutboxStoreCompatibilityKit() {
    }

    /**
     * Makes the empty store under test; called once before each test.
     *
     * @param clock the clock every write must take its creation time from
     * @return the store
     * @throws Exception any failure to set the store up
     */
    protected abstract OutboxStore createStore(Clock clock) throws Exception;

    /**
     * Writes the messages, in list order, through the implementation's normal write path and commits
     * them (one transaction for all of them is fine).
     *
     * @param messages the messages
     * @throws Exception any failure
     */
    protected abstract void commit(List<OutboxMessage> messages) throws Exception;

    @BeforeEach
    final void setUpStore() throws Exception {
        store = createStore(clock);
    }

    @Test
    void readsCommittedMessagesInIdOrderWithEveryField() throws Exception {
        // given
        OutboxMessage first = OutboxMessage.of("order.placed", "order-1", envelope("one"));
        OutboxMessage second = OutboxMessage.of("order.paid", envelope("two"));
        OutboxMessage third = OutboxMessage.of("order.placed", "order-2", envelope("three"));

        // when
        commit(List.of(first, second, third));
        List<OutboxRecord> unsent = store.unsent(10);

        // then
        assertThat(unsent).extracting(OutboxRecord::message).containsExactly(first, second, third);
        assertThat(unsent).extracting(OutboxRecord::id).isSorted().doesNotHaveDuplicates();
        assertThat(unsent).extracting(OutboxRecord::createdAt).containsOnly(clock.instant());
    }

    @Test
    void returnsAtMostTheLimitOldestFirst() throws Exception {
        // given
        commit(List.of(msg("a"), msg("b"), msg("c"), msg("d"), msg("e")));

        // when
        List<OutboxRecord> batch = store.unsent(2);

        // then
        assertThat(batch).extracting(r -> r.message().envelope().dataText()).containsExactly("a", "b");
    }

    @Test
    void leavesOutTheExcludedMessagesAndStillReturnsUpToTheLimit() throws Exception {
        // given
        commit(List.of(msg("a"), msg("b"), msg("c"), msg("d"), msg("e")));
        List<OutboxRecord> all = store.unsent(10);

        // when
        List<OutboxRecord> batch = store.unsent(2, Set.of(all.get(0).id(), all.get(2).id()));

        // then
        assertThat(batch).extracting(r -> r.message().envelope().dataText()).containsExactly("b", "d");
        assertThat(store.unsent(10, Set.of())).isEqualTo(all);
        assertThat(store.unsent(10, Set.of(all.get(4).id() + 1000))).isEqualTo(all);
    }

    @Test
    void keepsSentMessagesOutOfTheUnsentOnesAndMarksIdempotently() throws Exception {
        // given
        commit(List.of(msg("a"), msg("b"), msg("c")));
        List<OutboxRecord> all = store.unsent(10);

        // when
        store.markSent(all.get(1).id(), clock.instant());
        store.markSent(all.get(1).id(), clock.instant());

        // then
        assertThat(store.unsent(10)).extracting(r -> r.message().envelope().dataText()).containsExactly("a", "c");
        assertThat(store.backlog()).isEqualTo(2);
    }

    @Test
    void marksSeveralMessagesAtOnce() throws Exception {
        // given
        commit(List.of(msg("a"), msg("b"), msg("c"), msg("d")));
        List<OutboxRecord> all = store.unsent(10);

        // when
        store.markSent(List.of(all.get(0).id(), all.get(2).id()), clock.instant());
        store.markSent(List.of(all.get(2).id(), all.get(3).id()), clock.instant());
        store.markSent(List.of(), clock.instant());

        // then
        assertThat(store.unsent(10)).extracting(r -> r.message().envelope().dataText()).containsExactly("b");
        assertThat(store.backlog()).isEqualTo(1);
    }

    @Test
    void reportsTheBacklogAndTheOldestUnsentMessage() throws Exception {
        // given
        assertThat(store.backlog()).isZero();
        assertThat(store.oldestUnsent()).isEmpty();
        Instant firstWritten = clock.instant();
        commit(List.of(msg("a")));
        clock.advance(Duration.ofSeconds(5));
        Instant secondWritten = clock.instant();
        commit(List.of(msg("b")));

        // when
        long backlog = store.backlog();

        // then
        assertThat(backlog).isEqualTo(2);
        assertThat(store.oldestUnsent()).contains(firstWritten);
        store.markSent(store.unsent(1).get(0).id(), clock.instant());
        assertThat(store.oldestUnsent()).contains(secondWritten);
    }

    @Test
    void purgesOnlySentMessagesSentBeforeTheCutOffInBatches() throws Exception {
        // given
        commit(List.of(msg("a"), msg("b"), msg("c"), msg("d"), msg("e")));
        List<OutboxRecord> all = store.unsent(10);
        Instant oldSend = clock.instant();
        store.markSent(all.get(0).id(), oldSend);
        store.markSent(all.get(1).id(), oldSend);
        store.markSent(all.get(2).id(), oldSend);
        clock.advance(Duration.ofHours(2));
        store.markSent(all.get(3).id(), clock.instant());

        // when
        int firstBatch = store.purgeSent(clock.instant().minus(Duration.ofHours(1)), 2);
        int secondBatch = store.purgeSent(clock.instant().minus(Duration.ofHours(1)), 2);
        int thirdBatch = store.purgeSent(clock.instant().minus(Duration.ofHours(1)), 2);

        // then
        assertThat(List.of(firstBatch, secondBatch, thirdBatch)).containsExactly(2, 1, 0);
        assertThat(store.unsent(10)).extracting(r -> r.message().envelope().dataText()).containsExactly("e");
        assertThat(store.backlog()).isEqualTo(1);
        store.markSent(all.get(0).id(), clock.instant());
        assertThat(store.backlog()).isEqualTo(1);
    }

    @Test
    void seesMessagesCommittedAfterLaterOnesAreSent() throws Exception {
        // given
        commit(List.of(msg("a")));
        store.markSent(store.unsent(10).get(0).id(), clock.instant());

        // when
        commit(List.of(msg("b")));

        // then
        assertThat(store.unsent(10)).extracting(r -> r.message().envelope().dataText()).containsExactly("b");
    }

    @Test
    void rejectsNonPositiveLimitsNamingTheParameter() {
        assertThatThrownBy(() -> store.unsent(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("limit");
        assertThatThrownBy(() -> store.purgeSent(clock.instant(), 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("limit");
        assertThatThrownBy(() -> store.parked(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("limit");
        assertThatThrownBy(() -> store.markFailed(1, "refused", clock.instant(), 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxAttempts");
    }

    @Test
    void countsRefusalsAndParksAMessageAtTheLimit() throws Exception {
        // given
        commit(List.of(OutboxMessage.of("kit.nobody", "key-1", envelope("poison")),
                OutboxMessage.of("kit.happened", "key-1", envelope("next"))));
        List<OutboxRecord> all = store.unsent(10);
        long poison = all.get(0).id();

        // when
        int first = store.markFailed(poison, "refused: UNROUTABLE (1)", clock.instant(), 3);
        int second = store.markFailed(poison, "refused: UNROUTABLE (2)", clock.instant(), 3);
        List<OutboxRecord> beforeLimit = store.unsent(10);
        clock.advance(Duration.ofSeconds(7));
        Instant parkedAt = clock.instant();
        int third = store.markFailed(poison, "refused: UNROUTABLE (3)", parkedAt, 3);

        // then
        assertThat(List.of(first, second, third)).containsExactly(1, 2, 3);
        assertThat(beforeLimit).extracting(OutboxRecord::id).containsExactly(poison, all.get(1).id());
        assertThat(store.unsent(10)).extracting(r -> r.message().envelope().dataText()).containsExactly("next");
        assertThat(store.backlog()).isEqualTo(1);
        assertThat(store.oldestUnsent()).contains(all.get(1).createdAt());
        assertThat(store.parkedCount()).isEqualTo(1);
        List<ParkedMessage> parked = store.parked(10);
        assertThat(parked).hasSize(1);
        assertThat(parked.get(0).record()).isEqualTo(all.get(0));
        assertThat(parked.get(0).attempts()).isEqualTo(3);
        assertThat(parked.get(0).lastError()).isEqualTo("refused: UNROUTABLE (3)");
        assertThat(parked.get(0).parkedAt()).isEqualTo(parkedAt);
    }

    @Test
    void countsNothingForSentParkedOrUnknownMessages() throws Exception {
        // given
        commit(List.of(msg("sent"), msg("parked")));
        List<OutboxRecord> all = store.unsent(10);
        store.markSent(all.get(0).id(), clock.instant());
        store.markFailed(all.get(1).id(), "refused", clock.instant(), 1);

        // when
        int onSent = store.markFailed(all.get(0).id(), "refused", clock.instant(), 1);
        int onParked = store.markFailed(all.get(1).id(), "refused again", clock.instant(), 1);
        int onUnknown = store.markFailed(all.get(1).id() + 1000, "refused", clock.instant(), 1);

        // then
        assertThat(List.of(onSent, onParked, onUnknown)).containsOnly(0);
        assertThat(store.parked(10)).singleElement().satisfies(p -> {
            assertThat(p.attempts()).isEqualTo(1);
            assertThat(p.lastError()).isEqualTo("refused");
        });
        assertThat(store.backlog()).isZero();
    }

    @Test
    void requeuesParkedMessagesAtTheirPlaceWithAFreshCount() throws Exception {
        // given
        commit(List.of(msg("a"), msg("b"), msg("c")));
        List<OutboxRecord> all = store.unsent(10);
        store.markFailed(all.get(0).id(), "refused", clock.instant(), 1);
        store.markFailed(all.get(2).id(), "refused", clock.instant(), 1);
        assertThat(store.parkedCount()).isEqualTo(2);

        // when
        int requeued = store.requeueParked();

        // then
        assertThat(requeued).isEqualTo(2);
        assertThat(store.requeueParked()).isZero();
        assertThat(store.parkedCount()).isZero();
        assertThat(store.parked(10)).isEmpty();
        assertThat(store.unsent(10)).extracting(r -> r.message().envelope().dataText()).containsExactly("a", "b", "c");
        assertThat(store.backlog()).isEqualTo(3);
        assertThat(store.markFailed(all.get(0).id(), "refused again", clock.instant(), 5)).isEqualTo(1);
    }

    @Test
    void neverPurgesParkedMessages() throws Exception {
        // given
        commit(List.of(msg("parked"), msg("sent")));
        List<OutboxRecord> all = store.unsent(10);
        store.markFailed(all.get(0).id(), "refused", clock.instant(), 1);
        store.markSent(all.get(1).id(), clock.instant());
        clock.advance(Duration.ofDays(30));

        // when
        int purged = store.purgeSent(clock.instant(), 10);

        // then
        assertThat(purged).isEqualTo(1);
        assertThat(store.parked(10)).extracting(p -> p.record().id()).containsExactly(all.get(0).id());
    }

    private OutboxMessage msg(String text) {
        return OutboxMessage.of("kit.happened", envelope(text));
    }

    private Envelope envelope(String text) {
        return Envelope.builder()
                .type("kit.happened")
                .source("/kit")
                .subject("s-" + text)
                .time(clock.instant())
                .data("text/plain", text.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
                .extension("correlationid", "c-" + text)
                .build();
    }
}
