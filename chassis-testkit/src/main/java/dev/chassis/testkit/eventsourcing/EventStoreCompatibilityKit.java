package dev.chassis.testkit.eventsourcing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.chassis.core.eventsourcing.AppendResult;
import dev.chassis.core.eventsourcing.ConcurrencyException;
import dev.chassis.core.eventsourcing.EventStore;
import dev.chassis.core.eventsourcing.ExpectedVersion;
import dev.chassis.core.eventsourcing.GlobalPosition;
import dev.chassis.core.eventsourcing.NewEvent;
import dev.chassis.core.eventsourcing.RecordedEvent;
import dev.chassis.testkit.time.TestClock;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every promise of {@link EventStore} as a JUnit 5 test; each store implementation extends this
 * class and supplies an empty store.
 *
 * <pre>{@code
 * class InMemoryEventStoreCompatibilityTest extends EventStoreCompatibilityKit {
 *     protected EventStore createStore(Clock clock) {
 *         return new InMemoryEventStore(clock);
 *     }
 * }
 * }</pre>
 *
 * <p>The kit hands {@link #createStore(Clock)} a clock it moves by hand, in whole milliseconds; the
 * store must take {@link RecordedEvent#recordedAt()} from it. The kit writes its JSON the way
 * PostgreSQL's {@code jsonb} prints it, so stores that normalize JSON compare equal. Stores whose
 * {@code readAll} waits for concurrent transactions elsewhere (such as the PostgreSQL one) pass too:
 * the kit polls {@code readAll} for a while before it fails. A new instance runs each test (JUnit's
 * default lifecycle); instances are not thread-safe.
 */
public abstract class EventStoreCompatibilityKit {
    private static final Duration READ_ALL_PATIENCE = Duration.ofSeconds(30);

    private final TestClock clock = TestClock.at("2026-01-01T10:00:00Z");
    private EventStore store;

    /** For subclasses. */
    protected EventStoreCompatibilityKit() {
    }

    /**
     * Makes the empty store under test; called once before each test.
     *
     * @param clock the clock every append must take its recording time from
     * @return the store
     * @throws Exception any failure to set the store up
     */
    protected abstract EventStore createStore(Clock clock) throws Exception;

    @BeforeEach
    final void setUpStore() throws Exception {
        store = createStore(clock);
    }

    @Test
    void appendsToANewStreamAndReadsEveryField() {
        // given
        NewEvent placed = new NewEvent("e-1", "order.placed", 2, "{\"total\": 1250}",
                Map.of("correlationId", "c-1", "causationId", "m-7"));
        NewEvent paid = event("{\"n\": 2}");

        // when
        AppendResult result = store.append("order-1", ExpectedVersion.noStream(), List.of(placed, paid));

        // then
        assertThat(result).isEqualTo(new AppendResult("order-1", 1, 2));
        assertThat(result.nextExpectedVersion()).isEqualTo(ExpectedVersion.exactly(2));
        List<RecordedEvent> events = store.read("order-1");
        assertThat(events).hasSize(2);
        RecordedEvent first = events.get(0);
        assertThat(first.stream()).isEqualTo("order-1");
        assertThat(first.version()).isEqualTo(1);
        assertThat(first.id()).isEqualTo("e-1");
        assertThat(first.type()).isEqualTo("order.placed");
        assertThat(first.typeVersion()).isEqualTo(2);
        assertThat(first.data()).isEqualTo("{\"total\": 1250}");
        assertThat(first.metadata()).isEqualTo(Map.of("correlationId", "c-1", "causationId", "m-7"));
        assertThat(first.recordedAt()).isEqualTo(clock.instant());
        assertThat(events.get(1).id()).isEqualTo(paid.id());
        assertThat(events.get(1).metadata()).isEmpty();
        assertThat(events.get(1).position()).isGreaterThan(first.position());
    }

    @Test
    void appendsAtTheExactVersionWithContiguousVersions() {
        // given
        AppendResult first = store.append("s", ExpectedVersion.noStream(), List.of(event(), event()));

        // when
        AppendResult second = store.append("s", first.nextExpectedVersion(), List.of(event(), event(), event()));
        AppendResult third = store.append("s", ExpectedVersion.exactly(5), List.of(event()));

        // then
        assertThat(second).isEqualTo(new AppendResult("s", 3, 5));
        assertThat(third).isEqualTo(new AppendResult("s", 6, 6));
        assertThat(store.read("s")).extracting(RecordedEvent::version).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
        assertThat(store.version("s")).isEqualTo(6);
    }

    @Test
    void appendsWithAnyWhateverTheVersion() {
        // when
        AppendResult created = store.append("s", ExpectedVersion.any(), List.of(event()));
        AppendResult appended = store.append("s", ExpectedVersion.any(), List.of(event(), event()));

        // then
        assertThat(created).isEqualTo(new AppendResult("s", 1, 1));
        assertThat(appended).isEqualTo(new AppendResult("s", 2, 3));
        assertThat(store.version("s")).isEqualTo(3);
    }

    @Test
    void rejectsNoStreamWhenTheStreamExistsNamingStreamExpectationAndActualVersion() {
        // given
        store.append("s", ExpectedVersion.noStream(), List.of(event(), event()));

        // when / then
        assertThatThrownBy(() -> store.append("s", ExpectedVersion.noStream(), List.of(event())))
                .isInstanceOfSatisfying(ConcurrencyException.class, e -> {
                    assertThat(e.stream()).isEqualTo("s");
                    assertThat(e.expected()).isEqualTo(ExpectedVersion.noStream());
                    assertThat(e.actual()).isEqualTo(2);
                    assertThat(e).hasMessageContaining("'s'");
                });
        assertThat(store.version("s")).isEqualTo(2);
    }

    @Test
    void rejectsStaleAndFutureExactVersionsAndStoresNothing() {
        // given
        store.append("s", ExpectedVersion.noStream(), List.of(event(), event()));

        // when / then
        assertThatThrownBy(() -> store.append("s", ExpectedVersion.exactly(1), List.of(event(), event())))
                .isInstanceOfSatisfying(ConcurrencyException.class, e -> {
                    assertThat(e.expected()).isEqualTo(ExpectedVersion.exactly(1));
                    assertThat(e.actual()).isEqualTo(2);
                });
        assertThatThrownBy(() -> store.append("s", ExpectedVersion.exactly(3), List.of(event())))
                .isInstanceOfSatisfying(ConcurrencyException.class, e -> assertThat(e.actual()).isEqualTo(2));
        assertThatThrownBy(() -> store.append("new", ExpectedVersion.exactly(1), List.of(event())))
                .isInstanceOfSatisfying(ConcurrencyException.class, e -> assertThat(e.actual()).isZero());
        assertThat(store.read("s")).hasSize(2);
        assertThat(store.version("new")).isZero();
    }

    @Test
    void aRetriedAppendReturnsTheOriginalResultAndStoresNothing() {
        // given an append whose outcome the writer did not learn, and a later one by someone else
        List<NewEvent> batch = List.of(event(), event());
        store.append("s", ExpectedVersion.noStream(), List.of(event()));
        AppendResult original = store.append("s", ExpectedVersion.exactly(1), batch);
        store.append("s", ExpectedVersion.exactly(3), List.of(event()));

        // when the writer retries with the same ids
        AppendResult retried = store.append("s", ExpectedVersion.exactly(1), batch);
        AppendResult retriedWithAny = store.append("s", ExpectedVersion.any(), batch);

        // then
        assertThat(retried).isEqualTo(original).isEqualTo(new AppendResult("s", 2, 3));
        assertThat(retriedWithAny).isEqualTo(original);
        assertThat(store.read("s")).hasSize(4).extracting(RecordedEvent::id).doesNotHaveDuplicates();
    }

    @Test
    void rejectsIdsStoredElsewhereAndStoresNoneOfTheAppend() {
        // given
        NewEvent stored = event();
        store.append("a", ExpectedVersion.noStream(), List.of(stored, event()));
        NewEvent fresh = event();

        // when / then: in another stream, at another place of the same stream, or out of order
        assertThatThrownBy(() -> store.append("b", ExpectedVersion.any(), List.of(fresh, stored)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'b'");
        assertThatThrownBy(() -> store.append("a", ExpectedVersion.any(), List.of(fresh, stored)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.append("b", ExpectedVersion.noStream(), List.of(stored)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(store.version("b")).isZero();
        assertThat(store.version("a")).isEqualTo(2);
        // the rejected append stored nothing: its new id is still free
        assertThat(store.append("b", ExpectedVersion.noStream(), List.of(fresh))).isEqualTo(new AppendResult("b", 1, 1));
    }

    @Test
    void anAppendIsAtomic() {
        // given a batch whose last event cannot be stored
        NewEvent taken = event();
        store.append("other", ExpectedVersion.noStream(), List.of(taken));
        List<NewEvent> batch = List.of(event(), event(), event(), taken);

        // when
        assertThatThrownBy(() -> store.append("s", ExpectedVersion.noStream(), batch))
                .isInstanceOf(IllegalArgumentException.class);

        // then none of the batch is stored, and the same events without the bad one go in whole
        assertThat(store.read("s")).isEmpty();
        assertThat(store.append("s", ExpectedVersion.noStream(), batch.subList(0, 3)))
                .isEqualTo(new AppendResult("s", 1, 3));
        await().atMost(READ_ALL_PATIENCE).untilAsserted(() -> assertThat(store.readAll(GlobalPosition.START, 100))
                .extracting(RecordedEvent::stream).containsExactly("other", "s", "s", "s"));
    }

    @Test
    void readsAStreamFromAVersion() {
        // given
        store.append("s", ExpectedVersion.noStream(), List.of(event("{\"n\": 1}"), event("{\"n\": 2}"),
                event("{\"n\": 3}")));
        store.append("t", ExpectedVersion.noStream(), List.of(event()));

        // when
        List<RecordedEvent> fromTwo = store.read("s", 2);

        // then
        assertThat(fromTwo).extracting(RecordedEvent::data).containsExactly("{\"n\": 2}", "{\"n\": 3}");
        assertThat(store.read("s", 1)).hasSize(3);
        assertThat(store.read("s", 4)).isEmpty();
        assertThat(store.read("unknown")).isEmpty();
    }

    @Test
    void reportsVersionZeroForUnknownStreamsAndTheLastVersionOtherwise() {
        // given
        assertThat(store.version("s")).isZero();

        // when
        store.append("s", ExpectedVersion.any(), List.of(event(), event(), event()));

        // then
        assertThat(store.version("s")).isEqualTo(3);
        assertThat(store.version("S")).isZero();
    }

    @Test
    void readsTheWholeStoreInAppendOrderPageByPage() {
        // given
        List<String> appended = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            NewEvent e = event();
            store.append("s-" + (i % 3), ExpectedVersion.any(), List.of(e));
            appended.add(e.id());
        }
        await().atMost(READ_ALL_PATIENCE).until(() -> store.readAll(GlobalPosition.START, 100).size() == 7);

        // when
        List<RecordedEvent> read = new ArrayList<>();
        GlobalPosition after = GlobalPosition.START;
        List<Integer> pages = new ArrayList<>();
        for (List<RecordedEvent> page; !(page = store.readAll(after, 3)).isEmpty(); ) {
            pages.add(page.size());
            read.addAll(page);
            after = page.get(page.size() - 1).position();
        }

        // then
        assertThat(pages).containsExactly(3, 3, 1);
        assertThat(read).extracting(RecordedEvent::id).containsExactlyElementsOf(appended);
        assertThat(read).extracting(RecordedEvent::position).isSorted().doesNotHaveDuplicates()
                .allSatisfy(p -> assertThat(p).isGreaterThan(GlobalPosition.START));
        assertThat(store.readAll(after, 10)).isEmpty();
    }

    @Test
    void eventsAppendedLaterComeAfterEverythingReadBefore() {
        // given everything read so far
        store.append("a", ExpectedVersion.any(), List.of(event(), event()));
        await().atMost(READ_ALL_PATIENCE).until(() -> store.readAll(GlobalPosition.START, 100).size() == 2);
        GlobalPosition last = store.readAll(GlobalPosition.START, 100).get(1).position();

        // when
        List<NewEvent> later = List.of(event(), event(), event());
        store.append("b", ExpectedVersion.any(), later.subList(0, 1));
        store.append("a", ExpectedVersion.any(), later.subList(1, 3));

        // then
        await().atMost(READ_ALL_PATIENCE).untilAsserted(() -> assertThat(store.readAll(last, 100))
                .extracting(RecordedEvent::id).containsExactlyElementsOf(later.stream().map(NewEvent::id).toList()));
        assertThat(store.readAll(last, 100)).allSatisfy(e -> assertThat(e.position()).isGreaterThan(last));
    }

    @Test
    void rejectsBlankAndTooLongStreamNamesButTakesTwoHundredCharacters() {
        assertThatThrownBy(() -> store.append(" ", ExpectedVersion.any(), List.of(event())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("stream");
        assertThatThrownBy(() -> store.append("x".repeat(201), ExpectedVersion.any(), List.of(event())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("200");
        assertThat(store.append("x".repeat(200), ExpectedVersion.any(), List.of(event())).lastVersion()).isEqualTo(1);
    }

    @Test
    void rejectsEmptyAppendsDuplicateIdsAndBadLimits() {
        NewEvent e = event();
        assertThatThrownBy(() -> store.append("s", ExpectedVersion.any(), List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one");
        assertThatThrownBy(() -> store.append("s", ExpectedVersion.any(), List.of(e, e)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(e.id());
        assertThatThrownBy(() -> store.readAll(GlobalPosition.START, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("limit");
        assertThat(store.version("s")).isZero();
    }

    @Test
    void ofConcurrentAppendersWithTheSameExpectedVersionExactlyOneWins() throws Exception {
        // given 8 writers that append to one stream at the same time, round after round
        int writers = 8;
        int rounds = 15;
        CyclicBarrier start = new CyclicBarrier(writers);
        ConcurrentLinkedQueue<String> winners = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Long> conflicts = new ConcurrentLinkedQueue<>();
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            // when each round every writer expects the version the round starts at
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                done.add(pool.submit(() -> {
                    for (int r = 0; r < rounds; r++) {
                        NewEvent e = event();
                        start.await(30, TimeUnit.SECONDS);
                        try {
                            store.append("hot", ExpectedVersion.exactly(r), List.of(e));
                            winners.add(r + ":" + e.id());
                        } catch (ConcurrencyException x) {
                            conflicts.add(x.actual());
                        }
                        start.await(30, TimeUnit.SECONDS);
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

        // then one winner per round, every loser saw the winner's version, versions contiguous
        assertThat(winners).hasSize(rounds);
        assertThat(winners).extracting(w -> w.substring(0, w.indexOf(':'))).doesNotHaveDuplicates();
        assertThat(conflicts).hasSize(rounds * (writers - 1));
        List<RecordedEvent> events = store.read("hot");
        assertThat(events).extracting(RecordedEvent::version)
                .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, rounds).boxed().toList());
        assertThat(events).extracting(e -> (e.version() - 1) + ":" + e.id()).containsExactlyInAnyOrderElementsOf(winners);
    }

    private static NewEvent event() {
        return event("{\"n\": 1}");
    }

    private static NewEvent event(String data) {
        return new NewEvent(UUID.randomUUID().toString(), "kit.happened", 1, data, Map.of());
    }
}
