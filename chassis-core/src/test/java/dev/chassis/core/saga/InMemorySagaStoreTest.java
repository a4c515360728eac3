package dev.chassis.core.saga;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.chassis.core.MutableClock;
import dev.chassis.core.envelope.Envelope;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class InMemorySagaStoreTest {
    private final MutableClock clock = MutableClock.startingAt("2026-01-01T00:00:00Z");
    private final List<SagaMessage> sent = new CopyOnWriteArrayList<>();
    private final InMemorySagaStore store = InMemorySagaStore.create(clock, sent::add);
    private final Instant t0 = clock.instant();

    private SagaInstance saga(String id, SagaState state, long revision, @Nullable Instant deadline) {
        return new SagaInstance(id, "order-saga", 1, state, 0, 1, "{}", deadline, revision, List.of(), t0, t0, null);
    }

    private static SagaMessage message(String key) {
        return new SagaMessage("inventory", key, Envelope.builder().source("/sagas").type("inventory.reserve").build());
    }

    @Test
    void insertRefusesADuplicateIdAndHandsOnMessagesAfterTheSave() {
        // given
        store.insert(saga("a", SagaState.RUNNING, 1, null), List.of(message("a")));

        // when
        Throwable duplicate = catchThrowable(() -> store.insert(saga("a", SagaState.RUNNING, 1, null), List.of(message("a"))));

        // then
        assertThat(duplicate).isInstanceOf(IllegalStateException.class).hasMessageContaining("'a' exists");
        assertThat(sent).hasSize(1);
        assertThat(store.find("a")).isPresent();
        assertThat(store.find("b")).isEmpty();
    }

    @Test
    void updateComparesTheRevision() {
        // given
        store.insert(saga("a", SagaState.RUNNING, 1, null), List.of());

        // when
        boolean skipped = store.update(saga("a", SagaState.RUNNING, 3, null), List.of(message("a")));
        boolean next = store.update(saga("a", SagaState.COMPENSATING, 2, null), List.of(message("a")));
        boolean stale = store.update(saga("a", SagaState.COMPLETED, 2, null), List.of(message("a")));
        boolean unknown = store.update(saga("b", SagaState.RUNNING, 2, null), List.of());

        // then
        assertThat(List.of(skipped, next, stale, unknown)).containsExactly(false, true, false, false);
        assertThat(store.find("a").orElseThrow().state()).isEqualTo(SagaState.COMPENSATING);
        assertThat(sent).hasSize(1);
    }

    @Test
    void dueListsUnfinishedSagasEarliestDeadlineFirst() {
        // given
        store.insert(saga("late", SagaState.RUNNING, 1, t0.plusSeconds(30)), List.of());
        store.insert(saga("early", SagaState.COMPENSATING, 1, t0.plusSeconds(10)), List.of());
        store.insert(saga("future", SagaState.RUNNING, 1, t0.plusSeconds(90)), List.of());
        store.insert(saga("done", SagaState.COMPLETED, 1, t0.plusSeconds(5)), List.of());
        store.insert(saga("none", SagaState.RUNNING, 1, null), List.of());

        // when
        List<SagaInstance> due = store.due(t0.plusSeconds(30), 10);
        List<SagaInstance> first = store.due(t0.plusSeconds(30), 1);

        // then
        assertThat(due).extracting(SagaInstance::id).containsExactly("early", "late");
        assertThat(first).extracting(SagaInstance::id).containsExactly("early");
    }

    @Test
    void inStatePagesByAscendingId() {
        // given
        for (String id : List.of("c", "a", "e", "b", "d")) {
            store.insert(saga(id, id.equals("d") ? SagaState.FAILED : SagaState.RUNNING, 1, null), List.of());
        }

        // when
        List<SagaInstance> page1 = store.inState(SagaState.RUNNING, "", 2);
        List<SagaInstance> page2 = store.inState(SagaState.RUNNING, "b", 2);
        List<SagaInstance> page3 = store.inState(SagaState.RUNNING, "e", 2);

        // then
        assertThat(page1).extracting(SagaInstance::id).containsExactly("a", "b");
        assertThat(page2).extracting(SagaInstance::id).containsExactly("c", "e");
        assertThat(page3).isEmpty();
        assertThat(catchThrowable(() -> store.inState(SagaState.RUNNING, "", 0)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void leasesAreGrantedWhenFreeExpiredOrOwn() {
        // given
        Instant until = t0.plusSeconds(30);

        // when
        boolean free = store.lease("a", "node-1", until);
        boolean taken = store.lease("a", "node-2", until);
        boolean own = store.lease("a", "node-1", t0.plusSeconds(60));
        clock.advance(Duration.ofSeconds(45));
        boolean stillHeld = store.lease("a", "node-2", t0.plusSeconds(120));
        clock.advance(Duration.ofSeconds(15));
        boolean expired = store.lease("a", "node-2", t0.plusSeconds(120));
        store.release("a", "node-1");
        boolean notReleasedByOthers = store.lease("a", "node-1", t0.plusSeconds(120));
        store.release("a", "node-2");
        boolean released = store.lease("a", "node-1", t0.plusSeconds(120));

        // then
        assertThat(List.of(free, taken, own, stillHeld, expired, notReleasedByOthers, released))
                .containsExactly(true, false, true, false, true, false, true);
    }
}
