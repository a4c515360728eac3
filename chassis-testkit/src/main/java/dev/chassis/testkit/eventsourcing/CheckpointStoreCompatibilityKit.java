package dev.chassis.testkit.eventsourcing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.chassis.core.eventsourcing.GlobalPosition;
import dev.chassis.core.eventsourcing.projection.CheckpointStore;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every promise of {@link CheckpointStore} as a JUnit 5 test; each implementation extends this class
 * and supplies a fresh, empty store per test, so all stores behave the same.
 *
 * <pre>{@code
 * class InMemoryCheckpointStoreCompatibilityTest extends CheckpointStoreCompatibilityKit {
 *     protected CheckpointStore createStore() {
 *         return InMemoryCheckpointStore.create();
 *     }
 * }
 * }</pre>
 *
 * <p>Concurrent cases run updates on separate threads (with a database store: separate connections)
 * and print their figures in one line. A new instance runs each test (JUnit's default lifecycle);
 * instances are not thread-safe.
 */
public abstract class CheckpointStoreCompatibilityKit {
    private CheckpointStore store;
    private ExecutorService threads;

    /** For subclasses. */
    protected CheckpointStoreCompatibilityKit() {
    }

    /**
     * Makes the store under test; called once before each test.
     *
     * @return a new store without checkpoints
     * @throws Exception any failure to set the store up
     */
    protected abstract CheckpointStore createStore() throws Exception;

    /**
     * A second store on the same data, as another instance of the service or the same one after a
     * restart would open it. Default: the same store, for stores that keep nothing outside themselves.
     *
     * @param store the store under test
     * @return a store that sees the same checkpoints
     * @throws Exception any failure
     */
    protected CheckpointStore reopen(CheckpointStore store) throws Exception {
        return store;
    }

    /** @return how long the kit waits for something that must happen; default 30 s */
    protected Duration timeout() {
        return Duration.ofSeconds(30);
    }

    @BeforeEach
    final void createStoreUnderTest() throws Exception {
        store = createStore();
        threads = Executors.newCachedThreadPool();
    }

    @AfterEach
    final void stopThreads() throws InterruptedException {
        threads.shutdownNow();
        threads.awaitTermination(timeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    /** @return the store of the running test */
    protected final CheckpointStore store() {
        return store;
    }

    @Test
    void aProjectionWithoutCheckpointIsAtTheStart() {
        // when
        var loaded = store.load("never-ran");

        // then
        assertThat(loaded).isEmpty();
        assertThat(store.position("never-ran")).isEqualTo(GlobalPosition.START);
    }

    @Test
    void storesWhatTheWorkReturnsAndHandsItToTheNextUpdate() throws Exception {
        // given
        List<GlobalPosition> handedIn = new ArrayList<>();

        // when
        GlobalPosition first = store.update("totals", (tx, stored) -> {
            handedIn.add(stored);
            return new GlobalPosition(7, 3);
        });
        GlobalPosition second = store.update("totals", (tx, stored) -> {
            handedIn.add(stored);
            return new GlobalPosition(9, 12);
        });

        // then
        assertThat(handedIn).containsExactly(GlobalPosition.START, new GlobalPosition(7, 3));
        assertThat(first).isEqualTo(new GlobalPosition(7, 3));
        assertThat(second).isEqualTo(new GlobalPosition(9, 12));
        assertThat(store.load("totals")).contains(new GlobalPosition(9, 12));
        assertThat(reopen(store).position("totals")).isEqualTo(new GlobalPosition(9, 12));
    }

    @Test
    void keepsTheCheckpointWhenTheWorkReturnsTheStoredOne() {
        // given
        store.update("totals", (tx, stored) -> new GlobalPosition(4, 4));

        // when
        GlobalPosition kept = store.update("totals", (tx, stored) -> stored);

        // then
        assertThat(kept).isEqualTo(new GlobalPosition(4, 4));
        assertThat(store.position("totals")).isEqualTo(new GlobalPosition(4, 4));
    }

    @Test
    void aFailingWorkStoresNothingAndItsExceptionComesBackUnchanged() {
        // given
        store.update("totals", (tx, stored) -> new GlobalPosition(2, 2));
        IOException failure = new IOException("read model unavailable");
        IllegalStateException unchecked = new IllegalStateException("bug in the projection");

        // when / then
        assertThatThrownBy(() -> store.update("totals", (tx, stored) -> {
            throw failure;
        })).isSameAs(failure);
        assertThatThrownBy(() -> store.update("totals", (tx, stored) -> {
            throw unchecked;
        })).isSameAs(unchecked);
        assertThat(store.position("totals")).isEqualTo(new GlobalPosition(2, 2));
    }

    @Test
    void aFailingFirstUpdateLeavesNoCheckpoint() {
        // when
        assertThatThrownBy(() -> store.update("first", (tx, stored) -> {
            throw new IllegalStateException("boom");
        })).hasMessage("boom");

        // then
        assertThat(store.load("first")).isEmpty();
    }

    @Test
    void refusesToMoveACheckpointBack() {
        // given
        store.update("totals", (tx, stored) -> new GlobalPosition(5, 5));

        // when / then
        assertThatThrownBy(() -> store.update("totals", (tx, stored) -> new GlobalPosition(5, 4)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("totals").hasMessageContaining("reset");
        assertThat(store.position("totals")).isEqualTo(new GlobalPosition(5, 5));
    }

    @Test
    void resetSetsTheCheckpointBackToTheStartAfterItsWork() {
        // given
        store.update("totals", (tx, stored) -> new GlobalPosition(8, 8));
        AtomicInteger cleared = new AtomicInteger();

        // when
        store.reset("totals", tx -> cleared.incrementAndGet());

        // then
        assertThat(cleared).hasValue(1);
        assertThat(store.position("totals")).isEqualTo(GlobalPosition.START);
        assertThat(store.update("totals", (tx, stored) -> stored)).isEqualTo(GlobalPosition.START);
        assertThat(store.update("totals", (tx, stored) -> new GlobalPosition(1, 1))).isEqualTo(new GlobalPosition(1, 1));
    }

    @Test
    void aFailingResetKeepsTheCheckpoint() {
        // given
        store.update("totals", (tx, stored) -> new GlobalPosition(8, 8));
        IOException failure = new IOException("cannot truncate");

        // when / then
        assertThatThrownBy(() -> store.reset("totals", tx -> {
            throw failure;
        })).isSameAs(failure);
        assertThat(store.position("totals")).isEqualTo(new GlobalPosition(8, 8));
    }

    @Test
    void projectionsAreIndependent() {
        // given
        store.update("a", (tx, stored) -> new GlobalPosition(3, 3));
        store.update("b", (tx, stored) -> new GlobalPosition(6, 6));

        // when
        store.reset("a", tx -> { });

        // then
        assertThat(store.position("a")).isEqualTo(GlobalPosition.START);
        assertThat(store.position("b")).isEqualTo(new GlobalPosition(6, 6));
        assertThat(store.load("c")).isEmpty();
    }

    @Test
    void concurrentUpdatesOfOneProjectionAreSerializedAndLoseNothing() throws Exception {
        // given
        int updaters = 8;
        int updatesEach = 25;
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        CountDownLatch go = new CountDownLatch(1);
        List<CheckpointStore> stores = new ArrayList<>();
        for (int i = 0; i < updaters; i++) {
            stores.add(i % 2 == 0 ? store : reopen(store));
        }

        // when
        List<Future<?>> running = new ArrayList<>();
        for (CheckpointStore s : stores) {
            running.add(threads.submit(() -> {
                go.await();
                for (int i = 0; i < updatesEach; i++) {
                    s.update("contended", (tx, stored) -> {
                        if (inside.incrementAndGet() > 1) {
                            overlaps.incrementAndGet();
                        }
                        inside.decrementAndGet();
                        return new GlobalPosition(stored.transaction() + 1, stored.sequence() + 1);
                    });
                }
                return null;
            }));
        }
        go.countDown();
        for (Future<?> f : running) {
            f.get(timeout().toMillis(), TimeUnit.MILLISECONDS);
        }

        // then
        long reached = store.position("contended").sequence();
        System.out.printf("updaters=%d updates=%d reached=%d lost=%d overlaps=%d%n", updaters,
                updaters * updatesEach, reached, updaters * updatesEach - reached, overlaps.get());
        assertThat(reached).isEqualTo(updaters * updatesEach);
        assertThat(overlaps).hasValue(0);
    }

    @Test
    void anUpdateWaitsForAResetOfTheSameProjection() throws Exception {
        // given
        store.update("totals", (tx, stored) -> new GlobalPosition(10, 10));
        CountDownLatch resetInside = new CountDownLatch(1);
        CountDownLatch releaseReset = new CountDownLatch(1);
        Future<?> reset = threads.submit(() -> {
            reopen(store).reset("totals", tx -> {
                resetInside.countDown();
                releaseReset.await();
            });
            return null;
        });
        assertThat(resetInside.await(timeout().toMillis(), TimeUnit.MILLISECONDS)).isTrue();

        // when
        Future<GlobalPosition> handedIn = threads.submit(() -> {
            GlobalPosition[] seen = new GlobalPosition[1];
            store.update("totals", (tx, stored) -> {
                seen[0] = stored;
                return stored;
            });
            return seen[0];
        });
        await().during(Duration.ofMillis(200)).atMost(timeout()).until(() -> !handedIn.isDone());
        releaseReset.countDown();
        reset.get(timeout().toMillis(), TimeUnit.MILLISECONDS);

        // then
        assertThat(handedIn.get(timeout().toMillis(), TimeUnit.MILLISECONDS)).isEqualTo(GlobalPosition.START);
    }

    @Test
    void rejectsBadNamesNamingTheParameter() {
        assertThatThrownBy(() -> store.load(" ")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("projection");
        assertThatThrownBy(() -> store.update("x".repeat(201), (tx, stored) -> stored))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("projection");
        assertThatThrownBy(() -> store.update("totals", null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("work");
    }
}
