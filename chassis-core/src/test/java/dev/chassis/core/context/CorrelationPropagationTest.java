package dev.chassis.core.context;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

@SuppressWarnings("try") // scopes are held for their effect
class CorrelationPropagationTest {
    private static final long TIMEOUT_SECONDS = 10;

    private final ExecutorService pool = Executors.newSingleThreadExecutor();
    private final ExecutorService workers = CorrelationContext.wrap(pool);
    private final CorrelationContext submitted = CorrelationContext.of("at-submit");
    private final CorrelationContext later = CorrelationContext.of("later");

    @AfterEach
    void stop() throws InterruptedException {
        pool.shutdownNow();
        pool.awaitTermination(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    private Optional<CorrelationContext> onRawWorker() throws Exception {
        return pool.submit(CorrelationContext::current).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    @Test
    void taskRunsWithTheContextCurrentWhenItWasSubmitted() throws Exception {
        // given: the worker is busy, so the task runs after the submitter has moved on
        var release = new CountDownLatch(1);
        pool.execute(() -> awaitQuietly(release));
        Future<Optional<CorrelationContext>> seen;
        try (CorrelationScope scope = submitted.makeCurrent()) {
            seen = workers.submit(CorrelationContext::current);
        }

        // when
        try (CorrelationScope scope = later.makeCurrent()) {
            release.countDown();
            // then
            assertThat(seen.get(TIMEOUT_SECONDS, TimeUnit.SECONDS)).contains(submitted);
        }
    }

    @Test
    void workerThreadIsCleanAfterTheTask() throws Exception {
        // given
        try (CorrelationScope scope = submitted.makeCurrent()) {
            workers.submit(() -> { }).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }

        // when
        Optional<CorrelationContext> leftOver = onRawWorker();

        // then
        assertThat(leftOver).isEmpty();
    }

    @Test
    void taskSubmittedWithoutContextRunsWithoutContextEvenOnADirtyThread() throws Exception {
        // given: a worker thread that someone left with a context (a leaked scope)
        pool.submit(() -> submitted.makeCurrent()).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);

        // when
        Optional<CorrelationContext> seen = workers.submit(CorrelationContext::current).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);

        // then
        assertThat(seen).isEmpty();
        assertThat(onRawWorker()).as("the leaked scope is restored after the task").contains(submitted);
    }

    @Test
    void propagatesThroughEveryExecutorServiceMethod() throws Exception {
        // given
        var executed = new AtomicReference<Optional<CorrelationContext>>();
        Callable<Optional<CorrelationContext>> probe = CorrelationContext::current;

        try (CorrelationScope scope = submitted.makeCurrent()) {
            // when
            workers.execute(() -> executed.set(CorrelationContext.current()));
            var viaRunnable = new AtomicReference<Optional<CorrelationContext>>();
            workers.submit(() -> viaRunnable.set(CorrelationContext.current()), "done").get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            List<Future<Optional<CorrelationContext>>> all = workers.invokeAll(List.of(probe, probe));
            Optional<CorrelationContext> any = workers.invokeAny(List.of(probe));

            // then
            await().atMost(Duration.ofSeconds(TIMEOUT_SECONDS)).untilAsserted(() ->
                    assertThat(executed.get()).contains(submitted));
            assertThat(viaRunnable.get()).contains(submitted);
            for (Future<Optional<CorrelationContext>> future : all) {
                assertThat(future.get()).contains(submitted);
            }
            assertThat(any).contains(submitted);
        }
        assertThat(onRawWorker()).isEmpty();
    }

    @Test
    void wrapsPlainExecutors() throws Exception {
        // given
        Executor plain = pool::execute;
        Executor wrapped = CorrelationContext.wrap(plain);
        var seen = new CompletableFuture<Optional<CorrelationContext>>();

        // when
        try (CorrelationScope scope = submitted.makeCurrent()) {
            wrapped.execute(() -> seen.complete(CorrelationContext.current()));
        }

        // then
        assertThat(seen.get(TIMEOUT_SECONDS, TimeUnit.SECONDS)).contains(submitted);
        assertThat(onRawWorker()).isEmpty();
    }

    @Test
    void wrappingTwiceDoesNotStackWrappers() {
        // when
        ExecutorService twice = CorrelationContext.wrap(workers);

        // then
        assertThat(twice).isSameAs(workers);
    }

    @Test
    void wrappedTasksCarryTheirOwnContextWhereverTheyRun() throws Exception {
        // given
        Runnable runnable;
        Callable<Optional<CorrelationContext>> callable = submitted.wrap(CorrelationContext::current);
        var fromRunnable = new AtomicReference<Optional<CorrelationContext>>();
        runnable = submitted.wrap(() -> fromRunnable.set(CorrelationContext.current()));

        // when
        try (CorrelationScope scope = later.makeCurrent()) {
            pool.submit(runnable).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            Optional<CorrelationContext> fromCallable = pool.submit(callable).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            Optional<CorrelationContext> fromSupplier = CompletableFuture
                    .supplyAsync(submitted.wrapSupplier(CorrelationContext::current), pool)
                    .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);

            // then
            assertThat(fromRunnable.get()).contains(submitted);
            assertThat(fromCallable).contains(submitted);
            assertThat(fromSupplier).contains(submitted);
            assertThat(CorrelationContext.current()).contains(later);
        }
        assertThat(onRawWorker()).isEmpty();
    }

    @Test
    void wrappedTaskRestoresTheCallersContextWhenRunInline() {
        // given
        var seen = new AtomicReference<Optional<CorrelationContext>>();
        Runnable task = submitted.wrap(() -> seen.set(CorrelationContext.current()));

        // when
        try (CorrelationScope scope = later.makeCurrent()) {
            task.run();

            // then
            assertThat(seen.get()).contains(submitted);
            assertThat(CorrelationContext.current()).contains(later);
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
