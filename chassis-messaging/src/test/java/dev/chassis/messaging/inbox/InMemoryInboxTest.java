package dev.chassis.messaging.inbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.chassis.core.bus.EventHandler;
import dev.chassis.core.bus.RetryPolicy;
import dev.chassis.core.bus.Subscription;
import dev.chassis.core.inbox.InboxStore;
import dev.chassis.messaging.InMemoryEventBus;
import dev.chassis.testkit.time.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The in-memory inbox: the same API and guarantee, effects kept in memory. */
class InMemoryInboxTest {

    @Test
    void aRedeliveredMessageHasOneEffect() throws Exception {
        // given
        Map<String, Integer> effects = new ConcurrentHashMap<>();
        Inbox inbox = Inbox.inMemory("billing.invoice");
        EventHandler handler = inbox.handler((delivery, tx) -> effects.merge(delivery.envelope().id(), 1, Integer::sum));

        // when
        handler.handle(Effects.delivery("order-1", 1));
        handler.handle(Effects.delivery("order-1", 2));

        // then
        assertThat(effects).containsExactly(Map.entry("order-1", 1));
        assertThat(inbox.duplicateCount()).isEqualTo(1);
        assertThat(inbox.store().count()).isEqualTo(1);
    }

    @Test
    void aFailedHandlerIsRunAgainOnRedelivery() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        EventHandler handler = Inbox.inMemory("billing.invoice").handler((delivery, tx) -> {
            if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("first attempt fails");
            }
        });

        assertThatThrownBy(() -> handler.handle(Effects.delivery("order-1", 1))).hasMessage("first attempt fails");
        handler.handle(Effects.delivery("order-1", 2));
        handler.handle(Effects.delivery("order-1", 3));

        assertThat(calls).hasValue(2);
    }

    @Test
    void theHandlerHasNoConnection() {
        EventHandler handler = Inbox.inMemory("billing.invoice").handler((delivery, tx) -> tx.connection());

        assertThatThrownBy(() -> handler.handle(Effects.delivery("order-1", 1)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("Inbox.jdbc");
    }

    @Test
    void eightThreadsDeliveringTheSameIdsHaveOneEffectEach() throws Exception {
        // given
        int threadCount = 8;
        int ids = 1_000;
        Map<String, AtomicInteger> effects = new ConcurrentHashMap<>();
        EventHandler handler = Inbox.inMemory("billing.invoice").handler((delivery, tx) ->
                effects.computeIfAbsent(delivery.envelope().id(), k -> new AtomicInteger()).incrementAndGet());
        ExecutorService threads = Executors.newFixedThreadPool(threadCount);
        CountDownLatch start = new CountDownLatch(1);
        List<CompletableFuture<Void>> runs = new ArrayList<>();

        // when
        for (int t = 0; t < threadCount; t++) {
            runs.add(CompletableFuture.runAsync(() -> {
                try {
                    start.await();
                    for (int i = 0; i < ids; i++) {
                        handler.handle(Effects.delivery("order-" + i, 1));
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, threads));
        }
        start.countDown();
        CompletableFuture.allOf(runs.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        threads.shutdown();

        // then
        long duplicateEffects = effects.values().stream().mapToInt(n -> n.get() - 1).sum();
        System.out.printf("in-memory inbox concurrent duplicates: delivered=%d effects=%d duplicateEffects=%d%n",
                threadCount * ids, effects.size(), duplicateEffects);
        assertThat(effects).hasSize(ids);
        assertThat(duplicateEffects).isZero();
    }

    @Test
    void onTheInMemoryBusARedeliveredMessageHasOneEffect() {
        // given a handler whose first delivery of each message fails after the inbox committed
        Set<String> failedOnce = ConcurrentHashMap.newKeySet();
        Map<String, Integer> effects = new ConcurrentHashMap<>();
        Inbox inbox = Inbox.inMemory("billing.invoice");
        EventHandler inner = inbox.handler((delivery, tx) -> effects.merge(delivery.envelope().id(), 1, Integer::sum));
        try (InMemoryEventBus bus = InMemoryEventBus.create()) {
            bus.subscribe(Subscription.builder("billing.invoice").topic("order.placed")
                    .retry(RetryPolicy.builder().maxAttempts(3).initialDelay(Duration.ofMillis(10)).build())
                    .handler(delivery -> {
                        inner.handle(delivery);
                        if (failedOnce.add(delivery.envelope().id())) {
                            throw new IllegalStateException("ack lost");
                        }
                    })
                    .build());

            // when
            for (int i = 0; i < 20; i++) {
                bus.publish("order.placed", Effects.envelope("order-" + i)).toCompletableFuture().join();
            }

            // then
            await().atMost(Duration.ofSeconds(10)).until(() -> inbox.duplicateCount() == 20);
        }
        assertThat(effects).hasSize(20).allSatisfy((id, n) -> assertThat(n).isEqualTo(1));
    }

    @Test
    void aStartedPurgerPurgesTheInMemoryStoreOnItsSchedule() throws Exception {
        // given
        TestClock clock = TestClock.at("2026-03-01T00:00:00Z");
        InboxStore store = InMemoryInboxStore.create();
        EventHandler handler = Inbox.of(store, "billing.invoice", clock).handler((delivery, tx) -> { });
        handler.handle(Effects.delivery("old-1", 1));
        clock.advance(Duration.ofDays(8));
        handler.handle(Effects.delivery("recent-1", 1));

        // when
        InboxPurger purger = InboxPurger.builder(store).clock(clock).interval(Duration.ofMillis(20)).build();
        purger.start();

        // then
        await().atMost(Duration.ofSeconds(10)).until(() -> store.count() == 1);
        purger.close();
        assertThatThrownBy(purger::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    @Test
    void purgerSettingsAreChecked() {
        InboxPurger.Builder builder = InboxPurger.builder(InMemoryInboxStore.create());

        assertThatThrownBy(() -> builder.retention(Duration.ZERO)).hasMessageContaining("retention");
        assertThatThrownBy(() -> builder.interval(Duration.ofSeconds(-1))).hasMessageContaining("interval");
        assertThatThrownBy(() -> builder.batchSize(0)).hasMessageContaining("batchSize");
        assertThat(builder.build().retention()).isEqualTo(InboxPurger.DEFAULT_RETENTION);
    }

    @Test
    void theConsumerNameIsChecked() {
        assertThatThrownBy(() -> Inbox.inMemory(" ")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("consumer");
    }
}
