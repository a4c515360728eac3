package dev.chassis.testkit.inbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.chassis.core.inbox.InboxStore;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
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
 * Every promise of {@link InboxStore} as a JUnit 5 test; each implementation extends this class and
 * supplies a fresh, empty store per test, so all stores behave the same.
 *
 * <pre>{@code
 * class InMemoryInboxStoreTest extends InboxStoreCompatibilityKit {
 *     protected InboxStore createStore() {
 *         return InMemoryInboxStore.create();
 *     }
 * }
 * }</pre>
 *
 * <p>Concurrent cases run transactions on separate threads (with a database store: separate
 * connections) and wait with Awaitility, never by sleeping. A new instance runs each test (JUnit's
 * default lifecycle); instances are not thread-safe.
 */
public abstract class InboxStoreCompatibilityKit {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private InboxStore store;
    private ExecutorService threads;

    /** For subclasses. */
    protected InboxStoreCompatibilityKit() {
    }

    /**
     * Makes the store under test; called once before each test.
     *
     * @return a new store without records
     */
    protected abstract InboxStore createStore();

    /** @return how long the kit waits for something that must happen; default 10 s */
    protected Duration timeout() {
        return Duration.ofSeconds(10);
    }

    /** @return how long the kit watches a waiting transaction to see that it keeps waiting; default 300 ms */
    protected Duration stillWaiting() {
        return Duration.ofMillis(300);
    }

    @BeforeEach
    final void createStoreUnderTest() {
        store = createStore();
        threads = Executors.newCachedThreadPool();
    }

    @AfterEach
    final void stopThreads() throws InterruptedException {
        threads.shutdownNow();
        threads.awaitTermination(timeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    /** @return the store of the running test */
    protected final InboxStore store() {
        return store;
    }

    @Test
    void aNewMessageIsRecordedOnce() {
        // when
        boolean first = record("billing", "m-1", T0);
        boolean second = record("billing", "m-1", T0.plusSeconds(1));

        // then
        assertThat(first).isTrue();
        assertThat(second).isFalse();
        assertThat(store.count()).isEqualTo(1);
    }

    @Test
    void theSameMessageIsNewForAnotherConsumer() {
        assertThat(record("billing", "m-1", T0)).isTrue();
        assertThat(record("shipping", "m-1", T0)).isTrue();
        assertThat(record("billing", "m-2", T0)).isTrue();
        assertThat(store.count()).isEqualTo(3);
    }

    @Test
    void recordingTwiceInOneTransactionIsNotNewTheSecondTime() {
        List<Boolean> results = store.inTransaction(tx -> List.of(tx.record("billing", "m-1", T0),
                tx.record("billing", "m-1", T0)));

        assertThat(results).containsExactly(true, false);
        assertThat(store.count()).isEqualTo(1);
    }

    @Test
    void aFailedTransactionForgetsItsRecordAndRethrowsTheFailureUnchanged() {
        // given
        IllegalStateException failure = new IllegalStateException("effect failed");

        // when
        assertThatThrownBy(() -> store.inTransaction(tx -> {
            tx.record("billing", "m-1", T0);
            throw failure;
        })).isSameAs(failure);

        // then
        assertThat(store.count()).isZero();
        assertThat(record("billing", "m-1", T0)).as("the retry is new again").isTrue();
    }

    @Test
    void aCheckedFailureIsRethrownUnchanged() {
        IOException failure = new IOException("disk full");

        assertThatThrownBy(() -> store.inTransaction(tx -> {
            tx.record("billing", "m-1", T0);
            throw failure;
        })).isSameAs(failure);
        assertThat(store.count()).isZero();
    }

    @Test
    void theWorksResultIsReturnedAfterTheCommit() {
        String result = store.inTransaction(tx -> tx.record("billing", "m-1", T0) ? "handled" : "duplicate");

        assertThat(result).isEqualTo("handled");
        assertThat(store.count()).isEqualTo(1);
    }

    @Test
    void aConcurrentDuplicateWaitsForTheFirstTransactionAndIsNotNewAfterItsCommit() throws Exception {
        // given a transaction that recorded m-1 and is still open
        CountDownLatch recorded = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        Future<Boolean> first = threads.submit(() -> store.inTransaction(tx -> {
            boolean isNew = tx.record("billing", "m-1", T0);
            recorded.countDown();
            finish.await();
            return isNew;
        }));
        assertThat(recorded.await(timeout().toMillis(), TimeUnit.MILLISECONDS)).isTrue();

        // when another transaction records m-1
        Future<Boolean> second = threads.submit(() -> record("billing", "m-1", T0));

        // then it waits until the first commits, and then finds it recorded
        await().during(stillWaiting()).atMost(stillWaiting().multipliedBy(3)).until(() -> !second.isDone());
        finish.countDown();
        assertThat(first.get(timeout().toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        assertThat(second.get(timeout().toMillis(), TimeUnit.MILLISECONDS)).isFalse();
        assertThat(store.count()).isEqualTo(1);
    }

    @Test
    void aConcurrentDuplicateIsNewWhenTheFirstTransactionRollsBack() throws Exception {
        // given a transaction that recorded m-1 and will fail
        CountDownLatch recorded = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        Future<Boolean> first = threads.submit(() -> store.inTransaction(tx -> {
            tx.record("billing", "m-1", T0);
            recorded.countDown();
            finish.await();
            throw new IllegalStateException("effect failed");
        }));
        assertThat(recorded.await(timeout().toMillis(), TimeUnit.MILLISECONDS)).isTrue();

        // when another transaction records m-1 and the first rolls back
        Future<Boolean> second = threads.submit(() -> record("billing", "m-1", T0));
        await().during(stillWaiting()).atMost(stillWaiting().multipliedBy(3)).until(() -> !second.isDone());
        finish.countDown();

        // then the second one records it
        assertThat(second.get(timeout().toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        assertThat(first).failsWithin(timeout()).withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .withCauseInstanceOf(IllegalStateException.class);
        assertThat(store.count()).isEqualTo(1);
    }

    @Test
    void manyThreadsRecordingTheSameIdsGetEachIdNewExactlyOnce() {
        // given
        int threadCount = 8;
        int ids = 200;
        AtomicInteger newOnes = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        List<CompletableFuture<Void>> runs = new ArrayList<>();

        // when
        for (int t = 0; t < threadCount; t++) {
            runs.add(CompletableFuture.runAsync(() -> {
                awaitQuietly(start);
                for (int i = 0; i < ids; i++) {
                    if (record("billing", "m-" + i, T0)) {
                        newOnes.incrementAndGet();
                    }
                }
            }, threads));
        }
        start.countDown();
        // 1,600 commits: the bound only stops a hang, so it is generous for a loaded database server
        CompletableFuture.allOf(runs.toArray(CompletableFuture[]::new)).orTimeout(timeout().toMillis() * 12,
                TimeUnit.MILLISECONDS).join();

        // then
        assertThat(newOnes.get()).isEqualTo(ids);
        assertThat(store.count()).isEqualTo(ids);
    }

    @Test
    void purgeDeletesOnlyRecordsOlderThanTheCutoffInBatches() {
        // given 5 old and 3 recent records
        for (int i = 0; i < 5; i++) {
            record("billing", "old-" + i, T0.plus(Duration.ofMinutes(i)));
        }
        for (int i = 0; i < 3; i++) {
            record("billing", "recent-" + i, T0.plus(Duration.ofDays(10)));
        }
        Instant cutoff = T0.plus(Duration.ofDays(1));

        // when
        List<Integer> batches = new ArrayList<>();
        int deleted;
        do {
            deleted = store.purgeOlderThan(cutoff, 2);
            batches.add(deleted);
        } while (deleted > 0);

        // then
        assertThat(batches).containsExactly(2, 2, 1, 0);
        assertThat(store.count()).isEqualTo(3);
        assertThat(record("billing", "recent-0", T0.plus(Duration.ofDays(10)))).as("recent ids still deduplicated").isFalse();
        assertThat(record("billing", "old-0", T0.plus(Duration.ofDays(10)))).as("a purged id is new again").isTrue();
    }

    @Test
    void purgeKeepsARecordReceivedExactlyAtTheCutoff() {
        record("billing", "m-1", T0);

        assertThat(store.purgeOlderThan(T0, 10)).isZero();
        assertThat(store.count()).isEqualTo(1);
    }

    @Test
    void argumentsAreChecked() {
        assertThatThrownBy(() -> record(" ", "m-1", T0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("consumer");
        assertThatThrownBy(() -> record("billing", "", T0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("messageId");
        assertThatThrownBy(() -> store.purgeOlderThan(T0, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("batchSize");
        assertThat(store.count()).isZero();
    }

    @Test
    void aTransactionCannotBeUsedAfterItEnded() {
        dev.chassis.core.inbox.InboxTransaction escaped = store.inTransaction(tx -> tx);

        assertThatThrownBy(() -> escaped.record("billing", "m-1", T0)).isInstanceOf(IllegalStateException.class);
        assertThat(store.count()).isZero();
    }

    private boolean record(String consumer, String messageId, Instant at) {
        return store.inTransaction(tx -> tx.record(consumer, messageId, at));
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
