package dev.chassis.testkit.saga;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chassis.core.envelope.Envelope;
import dev.chassis.core.saga.SagaInstance;
import dev.chassis.core.saga.SagaMessage;
import dev.chassis.core.saga.SagaState;
import dev.chassis.core.saga.SagaStore;
import dev.chassis.core.saga.SagaTransition;
import dev.chassis.testkit.time.TestClock;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every promise of {@link SagaStore} as a JUnit 5 test; each store implementation extends this class,
 * supplies an empty store and shows which messages it has sent.
 *
 * <pre>{@code
 * class InMemorySagaStoreCompatibilityTest extends SagaStoreCompatibilityKit {
 *     private final List<SagaMessage> sent = new CopyOnWriteArrayList<>();
 *
 *     protected SagaStore createStore(Clock clock) {
 *         return new InMemorySagaStore(clock, sent::addAll);
 *     }
 *
 *     protected List<SagaMessage> sentMessages() {
 *         return sent;
 *     }
 * }
 * }</pre>
 *
 * <p>The kit hands {@link #createStore(Clock)} a clock it moves by hand, in whole milliseconds; leases
 * must expire by it, at their end. The kit writes saga data the way PostgreSQL's {@code jsonb} prints
 * it, so stores that normalize JSON compare equal. A new instance runs each test (JUnit's default
 * lifecycle); instances are not thread-safe.
 */
public abstract class SagaStoreCompatibilityKit {
    private static final String DATA = "{\"total\": 1250, \"orderId\": \"o-1\"}";

    private final TestClock clock = TestClock.at("2026-01-01T10:00:00Z");
    private SagaStore store;

    /** For subclasses. */
    protected SagaStoreCompatibilityKit() {
    }

    /**
     * Makes the empty store under test; called once before each test.
     *
     * @param clock the clock leases expire by
     * @return the store
     * @throws Exception any failure to set the store up
     */
    protected abstract SagaStore createStore(Clock clock) throws Exception;

    /**
     * The messages the store has sent so far (for the PostgreSQL store: committed with a saga), in the
     * order each save gave them. Called after the saves it observes have returned.
     *
     * @return the messages
     * @throws Exception any failure to read them
     */
    protected abstract List<SagaMessage> sentMessages() throws Exception;

    @BeforeEach
    final void setUpStore() throws Exception {
        store = createStore(clock);
    }

    @Test
    void insertsASagaAndFindsEveryField() {
        // given
        Instant started = clock.instant().minusSeconds(60);
        List<SagaTransition> history = List.of(
                new SagaTransition(started, SagaState.RUNNING, null, "started", null),
                new SagaTransition(started.plusMillis(1500), SagaState.RUNNING, "reserve-stock", "step-succeeded", null),
                new SagaTransition(clock.instant(), SagaState.COMPENSATING, "charge-card", "step-failed",
                        "card declined: \"insufficient funds\""));
        SagaInstance saga = new SagaInstance("order-saga-1", "order", 3, SagaState.COMPENSATING, 1, 2, DATA,
                clock.instant().plusSeconds(30), 1, history, started, clock.instant(), "card declined");

        // when
        store.insert(saga, List.of());

        // then
        SagaInstance found = store.find("order-saga-1").orElseThrow();
        assertThat(found).isEqualTo(saga);
        assertThat(found.history()).containsExactlyElementsOf(history);
        assertThat(found.history().get(0).step()).isNull();
        assertThat(found.history().get(2).detail()).isEqualTo("card declined: \"insufficient funds\"");
    }

    @Test
    void keepsAbsentDeadlineAndFailureAndAnEmptyHistory() {
        // given
        SagaInstance saga = new SagaInstance("s-1", "order", 1, SagaState.RUNNING, 0, 1, "{}", null, 1, List.of(),
                clock.instant(), clock.instant(), null);

        // when
        store.insert(saga, List.of());

        // then
        SagaInstance found = store.find("s-1").orElseThrow();
        assertThat(found).isEqualTo(saga);
        assertThat(found.deadline()).isNull();
        assertThat(found.failure()).isNull();
        assertThat(found.history()).isEmpty();
        assertThat(store.find("s-2")).isEmpty();
        assertThat(store.find("S-1")).isEmpty();
    }

    @Test
    void anInsertSendsItsMessagesInOrder() throws Exception {
        // given
        SagaInstance saga = saga("s-1");
        List<SagaMessage> first = List.of(message(saga, "stock.reserve"), message(saga, "customer.notify"));

        // when
        store.insert(saga, first);
        store.insert(saga("s-2"), List.of());

        // then
        assertThat(sent()).containsExactly(sent(first.get(0)), sent(first.get(1)));
        assertThat(store.find("s-2")).isPresent();
    }

    @Test
    void rejectsASecondInsertOfAnIdNamingItAndKeepsTheFirst() throws Exception {
        // given
        SagaInstance original = saga("order-7");
        store.insert(original, List.of(message(original, "stock.reserve")));
        SagaInstance again = new SagaInstance("order-7", "other", 2, SagaState.RUNNING, 0, 1, "{\"n\": 2}", null, 1,
                List.of(), clock.instant(), clock.instant(), null);

        // when / then
        assertThatThrownBy(() -> store.insert(again, List.of(message(again, "payment.charge"))))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("order-7");
        assertThat(store.find("order-7")).contains(original);
        assertThat(sent()).extracting(SentMessage::topic).containsExactly("stock.reserve");
    }

    @Test
    void updatesTheNextRevisionAndSendsItsMessages() throws Exception {
        // given
        SagaInstance first = saga("s-1");
        store.insert(first, List.of());
        SagaInstance second = next(first, SagaState.RUNNING, 1, clock.instant().plusSeconds(10), "step-succeeded");
        SagaMessage charge = message(second, "payment.charge");

        // when
        boolean stored = store.update(second, List.of(charge));
        SagaInstance third = next(second, SagaState.COMPLETED, 1, null, "completed");
        boolean storedAgain = store.update(third, List.of());

        // then
        assertThat(stored).isTrue();
        assertThat(storedAgain).isTrue();
        SagaInstance found = store.find("s-1").orElseThrow();
        assertThat(found).isEqualTo(third);
        assertThat(found.revision()).isEqualTo(3);
        assertThat(found.history()).extracting(SagaTransition::event)
                .containsExactly("started", "step-succeeded", "completed");
        assertThat(sent()).containsExactly(sent(charge));
    }

    @Test
    void refusesStaleAndSkippedRevisionsAndStoresNothingNotEvenMessages() throws Exception {
        // given revision 2 is stored
        SagaInstance first = saga("s-1");
        store.insert(first, List.of());
        SagaInstance second = next(first, SagaState.RUNNING, 1, null, "step-succeeded");
        store.update(second, List.of());

        // when another revision 2 made from revision 1, and a revision 4, are saved
        SagaInstance stale = next(first, SagaState.COMPENSATING, 0, null, "cancelled");
        SagaInstance skipped = next(next(second, SagaState.RUNNING, 2, null, "x"), SagaState.RUNNING, 3, null, "y");
        boolean staleStored = store.update(stale, List.of(message(stale, "stock.release")));
        boolean skippedStored = store.update(skipped, List.of(message(skipped, "shipping.book")));

        // then
        assertThat(staleStored).isFalse();
        assertThat(skippedStored).isFalse();
        assertThat(store.find("s-1")).contains(second);
        assertThat(sent()).isEmpty();
    }

    @Test
    void refusesToUpdateAnUnknownSaga() throws Exception {
        // given
        SagaInstance never = next(saga("ghost"), SagaState.RUNNING, 1, null, "step-succeeded");

        // when
        boolean stored = store.update(never, List.of(message(never, "payment.charge")));

        // then
        assertThat(stored).isFalse();
        assertThat(store.find("ghost")).isEmpty();
        assertThat(sent()).isEmpty();
    }

    @Test
    void dueReturnsUnfinishedSagasWhoseDeadlinePassedEarliestFirst() {
        // given
        Instant now = clock.instant();
        store.insert(withDeadline("a", SagaState.RUNNING, now.minusSeconds(60)), List.of());
        store.insert(withDeadline("b", SagaState.COMPENSATING, now.minusSeconds(300)), List.of());
        store.insert(withDeadline("c", SagaState.RUNNING, now), List.of());
        store.insert(withDeadline("d", SagaState.RUNNING, now.plusMillis(1)), List.of());
        store.insert(withDeadline("e", SagaState.COMPLETED, now.minusSeconds(600)), List.of());
        store.insert(withDeadline("f", SagaState.COMPENSATED, now.minusSeconds(600)), List.of());
        store.insert(withDeadline("g", SagaState.FAILED, now.minusSeconds(600)), List.of());
        store.insert(withDeadline("h", SagaState.RUNNING, null), List.of());

        // when
        List<SagaInstance> due = store.due(now, 10);

        // then
        assertThat(due).extracting(SagaInstance::id).containsExactly("b", "a", "c");
        assertThat(store.due(now, 2)).extracting(SagaInstance::id).containsExactly("b", "a");
        assertThat(store.due(now.plusSeconds(1), 10)).extracting(SagaInstance::id).containsExactly("b", "a", "c", "d");
        assertThat(store.due(now.minusSeconds(3600), 10)).isEmpty();
        assertThat(due.get(0)).isEqualTo(store.find("b").orElseThrow());
    }

    @Test
    void dueFollowsDeadlinesAndStatesChangedByUpdates() {
        // given two overdue sagas
        Instant now = clock.instant();
        SagaInstance a = withDeadline("a", SagaState.RUNNING, now.minusSeconds(10));
        SagaInstance b = withDeadline("b", SagaState.RUNNING, now.minusSeconds(20));
        store.insert(a, List.of());
        store.insert(b, List.of());

        // when a finishes and b's retry moves into the future, and a third becomes overdue
        store.update(next(a, SagaState.COMPLETED, 0, now.minusSeconds(10), "completed"), List.of());
        store.update(next(b, SagaState.RUNNING, 0, now.plusSeconds(60), "retry-scheduled"), List.of());
        SagaInstance c = withDeadline("c", SagaState.RUNNING, now.plusSeconds(3600));
        store.insert(c, List.of());
        store.update(next(c, SagaState.COMPENSATING, 0, now.minusSeconds(1), "timed-out"), List.of());

        // then
        assertThat(store.due(now, 10)).extracting(SagaInstance::id).containsExactly("c");
        assertThat(store.due(now.plusSeconds(60), 10)).extracting(SagaInstance::id).containsExactly("c", "b");
    }

    @Test
    void pagesThroughOneStateInAscendingIdOrder() {
        // given ids whose order differs between byte order and natural-language collations
        for (String id : List.of("s-03", "a-1", "s-01", "Z-9", "s-02", "s_00")) {
            store.insert(withDeadline(id, SagaState.RUNNING, null), List.of());
        }
        store.insert(withDeadline("s-00", SagaState.COMPLETED, null), List.of());
        store.insert(withDeadline("s-04", SagaState.FAILED, null), List.of());

        // when
        List<String> read = new ArrayList<>();
        List<Integer> pages = new ArrayList<>();
        String after = "";
        for (List<SagaInstance> page; !(page = store.inState(SagaState.RUNNING, after, 2)).isEmpty(); ) {
            pages.add(page.size());
            page.forEach(s -> read.add(s.id()));
            after = page.get(page.size() - 1).id();
        }

        // then
        assertThat(read).containsExactly("Z-9", "a-1", "s-01", "s-02", "s-03", "s_00");
        assertThat(pages).containsExactly(2, 2, 2);
        assertThat(store.inState(SagaState.RUNNING, "s-01", 10)).extracting(SagaInstance::id)
                .containsExactly("s-02", "s-03", "s_00");
        assertThat(store.inState(SagaState.COMPLETED, "", 10)).extracting(SagaInstance::id).containsExactly("s-00");
        assertThat(store.inState(SagaState.COMPENSATING, "", 10)).isEmpty();
        assertThat(store.inState(SagaState.FAILED, "", 10).get(0)).isEqualTo(store.find("s-04").orElseThrow());
    }

    @Test
    void grantsAFreeLeaseAndRefusesOthersUntilItExpires() {
        // given
        store.insert(saga("s-1"), List.of());
        Instant now = clock.instant();

        // when / then
        assertThat(store.lease("s-1", "orchestrator-a", now.plusSeconds(30))).isTrue();
        assertThat(store.lease("s-1", "orchestrator-b", now.plusSeconds(30))).isFalse();
        clock.advance(Duration.ofMillis(29_999));
        assertThat(store.lease("s-1", "orchestrator-b", now.plusSeconds(90))).isFalse();
        clock.advance(Duration.ofMillis(1));
        assertThat(store.lease("s-1", "orchestrator-b", now.plusSeconds(90))).as("expired at its end").isTrue();
        assertThat(store.lease("s-1", "orchestrator-a", now.plusSeconds(90))).isFalse();
    }

    @Test
    void leasesAnIdBeforeItsSagaIsInsertedAndKeepsTheLeaseAfterwards() {
        // given an orchestrator claims a saga it is about to start
        Instant until = clock.instant().plusSeconds(30);
        boolean claimed = store.lease("new-saga", "orchestrator-a", until);
        boolean claimedByOther = store.lease("new-saga", "orchestrator-b", until);

        // when
        store.insert(saga("new-saga"), List.of());

        // then the lease holds for the stored saga until its holder releases it
        assertThat(claimed).isTrue();
        assertThat(claimedByOther).isFalse();
        assertThat(store.lease("new-saga", "orchestrator-b", until)).isFalse();
        store.release("new-saga", "orchestrator-a");
        assertThat(store.lease("new-saga", "orchestrator-b", until)).isTrue();
    }

    @Test
    void theHolderExtendsItsLeaseAndKeepsItAcrossUpdates() {
        // given
        SagaInstance saga = saga("s-1");
        store.insert(saga, List.of());
        Instant now = clock.instant();
        store.lease("s-1", "orchestrator-a", now.plusSeconds(10));

        // when
        boolean extended = store.lease("s-1", "orchestrator-a", now.plusSeconds(60));
        store.update(next(saga, SagaState.RUNNING, 1, null, "step-succeeded"), List.of());
        clock.advance(Duration.ofSeconds(30));

        // then the extended lease still holds after the first one's end and the update
        assertThat(extended).isTrue();
        assertThat(store.lease("s-1", "orchestrator-b", now.plusSeconds(120))).isFalse();
        assertThat(store.lease("s-1", "orchestrator-a", now.plusSeconds(120))).isTrue();
    }

    @Test
    void releaseFreesTheLeaseOnlyForItsHolder() {
        // given
        store.insert(saga("s-1"), List.of());
        Instant until = clock.instant().plusSeconds(60);
        store.lease("s-1", "orchestrator-a", until);

        // when another instance releases, then the holder
        store.release("s-1", "orchestrator-b");
        boolean takenAfterForeignRelease = store.lease("s-1", "orchestrator-b", until);
        store.release("s-1", "orchestrator-a");
        boolean takenAfterRelease = store.lease("s-1", "orchestrator-b", until);

        // then
        assertThat(takenAfterForeignRelease).isFalse();
        assertThat(takenAfterRelease).isTrue();
        assertThat(store.lease("s-1", "orchestrator-a", until)).isFalse();
        assertThat(store.find("s-1")).contains(saga("s-1"));
    }

    @Test
    void ofConcurrentUpdatersOfOneRevisionExactlyOneWins() throws Exception {
        // given 8 orchestrators that all save a transition of the same revision, round after round
        int updaters = 8;
        int rounds = 15;
        SagaInstance start = saga("hot");
        store.insert(start, List.of());
        CyclicBarrier barrier = new CyclicBarrier(updaters);
        ConcurrentLinkedQueue<String> winners = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<String> losers = new ConcurrentLinkedQueue<>();
        ExecutorService pool = Executors.newFixedThreadPool(updaters);
        try {
            // when each round every updater saves revision r + 1, made from revision r
            List<Future<?>> done = new ArrayList<>();
            for (int u = 0; u < updaters; u++) {
                String updater = "u" + u;
                done.add(pool.submit(() -> {
                    for (int r = 1; r <= rounds; r++) {
                        barrier.await(30, TimeUnit.SECONDS);
                        SagaInstance current = store.find("hot").orElseThrow();
                        SagaInstance mine = next(current, SagaState.RUNNING, r, null, updater);
                        barrier.await(30, TimeUnit.SECONDS);
                        if (store.update(mine, List.of(message(mine, "step." + updater)))) {
                            winners.add(mine.revision() + ":" + updater);
                        } else {
                            losers.add(mine.revision() + ":" + updater);
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
        List<SentMessage> sent = sent();
        System.out.println("updaters=" + updaters + " rounds=" + rounds + " won=" + winners.size() + " lost="
                + losers.size() + " messages=" + sent.size() + " duplicates="
                + (sent.size() - sent.stream().distinct().count()));

        // then one winner per revision, whose transition and message are the ones stored
        assertThat(winners).hasSize(rounds);
        assertThat(winners).extracting(w -> w.substring(0, w.indexOf(':'))).doesNotHaveDuplicates();
        assertThat(losers).hasSize(rounds * (updaters - 1));
        SagaInstance last = store.find("hot").orElseThrow();
        assertThat(last.revision()).isEqualTo(rounds + 1);
        List<SagaTransition> transitions = last.history().subList(1, last.history().size());
        assertThat(transitions).extracting(SagaTransition::event).containsExactlyElementsOf(
                winners.stream().map(w -> w.substring(w.indexOf(':') + 1)).toList());
        assertThat(sent).extracting(SentMessage::topic).containsExactlyElementsOf(
                winners.stream().map(w -> "step." + w.substring(w.indexOf(':') + 1)).toList());
    }

    /** What the kit compares of a sent message. */
    private record SentMessage(String topic, String key, String envelopeId, String envelopeType) {
    }

    private List<SentMessage> sent() throws Exception {
        return sentMessages().stream().map(SagaStoreCompatibilityKit::sent).toList();
    }

    private static SentMessage sent(SagaMessage m) {
        return new SentMessage(m.topic(), m.key(), m.envelope().id(), m.envelope().type());
    }

    /** A new RUNNING saga at revision 1, created now. */
    private SagaInstance saga(String id) {
        return withDeadline(id, SagaState.RUNNING, null);
    }

    private SagaInstance withDeadline(String id, SagaState state, @Nullable Instant deadline) {
        return new SagaInstance(id, "order", 1, state, 0, 1, DATA, deadline, 1,
                List.of(new SagaTransition(clock.instant(), state, null, "started", null)), clock.instant(),
                clock.instant(), null);
    }

    /** The transition after {@code s}: revision one higher, one more history entry. */
    private SagaInstance next(SagaInstance s, SagaState state, int step, @Nullable Instant deadline, String event) {
        List<SagaTransition> history = new ArrayList<>(s.history());
        history.add(new SagaTransition(clock.instant(), state, "step-" + step, event, null));
        String failure = state == SagaState.COMPENSATING ? event : s.failure();
        return new SagaInstance(s.id(), s.type(), s.definitionVersion(), state, step, 1,
                "{\"step\": " + step + "}", deadline, s.revision() + 1, history, s.createdAt(), clock.instant(), failure);
    }

    private static SagaMessage message(SagaInstance saga, String topic) {
        Envelope envelope = Envelope.builder().type(topic).source("/saga-kit").subject(saga.id())
                .data("text/plain", topic.getBytes(StandardCharsets.UTF_8)).build();
        return new SagaMessage(topic, saga.id(), envelope);
    }
}
