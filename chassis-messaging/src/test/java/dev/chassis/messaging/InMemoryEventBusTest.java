package dev.chassis.messaging;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.chassis.core.NonRetryableException;
import dev.chassis.core.bus.DeadLetter;
import dev.chassis.core.bus.Delivery;
import dev.chassis.core.bus.EventBus;
import dev.chassis.core.bus.PublishException;
import dev.chassis.core.bus.Subscription;
import dev.chassis.core.bus.SubscriptionHandle;
import dev.chassis.core.envelope.InvalidEnvelopeException;
import dev.chassis.testkit.bus.EventBusCompatibilityKit;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The compatibility kit on buses sharing one in-memory broker, plus what only the in-memory bus has. */
class InMemoryEventBusTest extends EventBusCompatibilityKit {
    private final InMemoryBroker broker = InMemoryBroker.create();
    private final CountDownLatch releaseStuckHandlers = new CountDownLatch(1);

    @Override
    protected EventBus createBus() {
        return InMemoryEventBus.builder().broker(broker).build();
    }

    @AfterEach
    void closeBroker() {
        releaseStuckHandlers.countDown();
        broker.close();
    }

    @Test
    void failsPublishAsNackedWhileAQueueIsFull() throws Exception {
        // given
        InMemoryEventBus bus = InMemoryEventBus.builder().maxQueueLength(2).build();
        String topic = topic("order.placed");
        AtomicInteger handled = new AtomicInteger();
        SubscriptionHandle handle = bus.subscribe(Subscription.builder(queue("bounded")).topic(topic)
                .handler(d -> handled.incrementAndGet()).build());
        handle.pause();
        publish(bus, topic, envelope(1));
        publish(bus, topic, envelope(2));

        // when
        PublishException failure = publishFailure(bus, topic, envelope(3));

        // then
        assertThat(failure.reason()).isEqualTo(PublishException.Reason.NACKED);
        assertThat(failure).hasMessageContaining("is full").hasMessageContaining("maxQueueLength");
        handle.resume();
        eventually().until(() -> handled.get() == 2);
        publish(bus, topic, envelope(4));
        eventually().until(() -> handled.get() == 3);
        bus.close();
    }

    @Test
    void deadLettersAnUndecodableMessageAtOnce() throws Exception {
        // given
        InMemoryEventBus bus = (InMemoryEventBus) newBus();
        String queue = queue("raw");
        String topic = topic("user.created");
        AtomicInteger calls = new AtomicInteger();
        bus.subscribe(Subscription.builder(queue).topic(topic).retry(retry(5))
                .handler(d -> calls.incrementAndGet()).build());
        byte[] garbage = "{\"specversion\":\"1.0\",\"id\":42}".getBytes(UTF_8);

        // when
        bus.publishRaw(topic, "raw-1", garbage).toCompletableFuture().get(5, TimeUnit.SECONDS);

        // then
        eventually().until(() -> bus.deadLetters().count(queue) == 1);
        DeadLetter letter = bus.deadLetters().peek(queue, 1).get(0);
        assertThat(letter.messageId()).isEqualTo("raw-1");
        assertThat(letter.decoded()).isEmpty();
        assertThat(letter.body()).isEqualTo(garbage);
        assertThat(letter.exceptionClass()).isEqualTo(InvalidEnvelopeException.class.getName());
        assertThat(letter.exceptionMessage()).contains("source: required");
        assertThat(letter.attempts()).isEqualTo(1);
        assertThat(calls).hasValue(0);
    }

    @Test
    void closeWaitsForInFlightHandlersToFinish() throws Exception {
        // given
        InMemoryEventBus bus = InMemoryEventBus.builder().broker(broker).drainTimeout(Duration.ofSeconds(10)).build();
        String queue = queue("draining");
        String topic = topic("report.requested");
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        AtomicBoolean completed = new AtomicBoolean();
        bus.subscribe(Subscription.builder(queue).topic(topic).handler(d -> {
            started.countDown();
            finish.await();
            completed.set(true);
        }).build());
        publish(bus, topic, envelope(1));
        assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();

        // when
        CompletableFuture<Void> closing = CompletableFuture.runAsync(bus::close);

        // then
        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2)).until(() -> !closing.isDone());
        finish.countDown();
        eventually().until(closing::isDone);
        assertThat(completed).isTrue();
        assertThat(bus.deadLetters().count(queue)).isZero();
    }

    @Test
    void closeAbandonsAHandlerStillRunningAfterTheDrainTimeoutAndRequeuesItsMessage() throws Exception {
        // given
        InMemoryEventBus stuck = InMemoryEventBus.builder().broker(broker).drainTimeout(Duration.ofMillis(100)).build();
        String queue = queue("stuck");
        String topic = topic("report.requested");
        CountDownLatch started = new CountDownLatch(1);
        stuck.subscribe(Subscription.builder(queue).topic(topic).handler(d -> {
            started.countDown();
            releaseStuckHandlers.await();
        }).build());
        publish(stuck, topic, envelope(1));
        assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();

        // when
        CompletableFuture<Void> closing = CompletableFuture.runAsync(stuck::close);

        // then
        eventually().until(closing::isDone);
        List<Delivery> taken = new CopyOnWriteArrayList<>();
        newBus().subscribe(Subscription.builder(queue).topic(topic).handler(taken::add).build());
        eventually().until(() -> taken.size() == 1);
        assertThat(taken.get(0).redelivered()).isTrue();
        assertThat(taken.get(0).attempt()).isEqualTo(1);
    }

    @Test
    void dropsItsQueuesAndDeadLettersWhenItClosesABrokerOfItsOwn() throws Exception {
        // given
        InMemoryEventBus bus = InMemoryEventBus.create();
        String queue = queue("own");
        String topic = topic("user.created");
        bus.subscribe(Subscription.builder(queue).topic(topic).handler(d -> {
            throw new NonRetryableException("rejected");
        }).build());
        publish(bus, topic, envelope(1));
        eventually().until(() -> bus.deadLetters().count(queue) == 1);

        // when
        bus.close();

        // then
        assertThat(bus.deadLetters().count(queue)).isZero();
    }

    @Test
    void aHandlerCanCloseItsOwnSubscriptionWithoutWaitingForItself() throws Exception {
        // given
        EventBus bus = newBus();
        String queue = queue("self-closing");
        String topic = topic("shutdown.requested");
        List<SubscriptionHandle> handles = new CopyOnWriteArrayList<>();
        AtomicBoolean closedItself = new AtomicBoolean();
        handles.add(bus.subscribe(Subscription.builder(queue).topic(topic).handler(d -> {
            handles.get(0).close();
            closedItself.set(true);
        }).build()));

        // when
        publish(bus, topic, envelope(1));

        // then
        eventually().atMost(Duration.ofSeconds(5)).untilTrue(closedItself);
        publish(bus, topic, envelope(2));
        List<Delivery> next = new CopyOnWriteArrayList<>();
        bus.subscribe(Subscription.builder(queue).topic(topic).handler(next::add).build());
        eventually().until(() -> next.size() == 1);
        assertThat(bus.deadLetters().count(queue)).isZero();
    }

    @Test
    void stampsDeadLettersWithTheBrokersClockAndRetriesOnTheSuppliedScheduler() throws Exception {
        // given
        Instant now = Instant.parse("2030-05-06T07:08:09Z");
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        AtomicInteger scheduled = new AtomicInteger();
        ScheduledExecutorService counting = new ScheduledThreadPoolExecutor(1) {
            @Override
            public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
                scheduled.incrementAndGet();
                return scheduler.schedule(command, delay, unit);
            }
        };
        InMemoryBroker own = InMemoryBroker.builder().clock(Clock.fixed(now, ZoneOffset.UTC)).scheduler(counting).build();
        InMemoryEventBus bus = InMemoryEventBus.builder().broker(own).build();
        String queue = queue("clocked");
        String topic = topic("invoice.issued");
        bus.subscribe(Subscription.builder(queue).topic(topic).retry(retry(3)).handler(d -> {
            throw new IllegalStateException("no printer");
        }).build());

        // when
        publish(bus, topic, envelope(1));

        // then
        eventually().until(() -> bus.deadLetters().count(queue) == 1);
        assertThat(bus.deadLetters().peek(queue, 1).get(0).deadLetteredAt()).isEqualTo(now);
        assertThat(scheduled).hasValue(2);
        bus.close();
        own.close();
        assertThat(counting.isShutdown()).isFalse();
        counting.shutdownNow();
        scheduler.shutdownNow();
    }

    @Test
    void refusesAPublishToEveryQueueWhenOneMatchingQueueIsFull() throws Exception {
        // given
        InMemoryEventBus bus = InMemoryEventBus.builder().maxQueueLength(1).build();
        String topic = topic("order.placed");
        String fullQueue = queue("full");
        String roomyQueue = queue("roomy");
        AtomicInteger roomy = new AtomicInteger();
        bus.subscribe(Subscription.builder(fullQueue).topic(topic).handler(d -> { }).build()).pause();
        bus.subscribe(Subscription.builder(roomyQueue).topic(topic).handler(d -> roomy.incrementAndGet()).build());
        publish(bus, topic, envelope(1));
        eventually().until(() -> roomy.get() == 1);

        // when
        PublishException failure = publishFailure(bus, topic, envelope(2));

        // then
        assertThat(failure.reason()).isEqualTo(PublishException.Reason.NACKED);
        assertThat(failure).hasMessageContaining(fullQueue);
        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2)).until(() -> roomy.get() == 1);
        bus.close();
    }

    @Test
    void refusesBrokerOptionsForASharedBroker() {
        // given
        InMemoryEventBus.Builder builder = InMemoryEventBus.builder().broker(broker).maxQueueLength(10);

        // when / then
        assertThatThrownBy(builder::build).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("InMemoryBroker.builder()");
    }

    @Test
    void failsPublishWithClosedOnceItsBrokerIsClosed() {
        // given
        EventBus bus = newBus();
        bus.subscribe(Subscription.builder(queue("gone")).topic(topic("x")).handler(d -> { }).build());

        // when
        broker.close();

        // then
        assertThat(publishFailure(bus, topic("x"), envelope(1)).reason()).isEqualTo(PublishException.Reason.CLOSED);
        assertThatThrownBy(() -> bus.subscribe(Subscription.builder(queue("late")).topic(topic("y"))
                .handler(d -> { }).build())).isInstanceOf(IllegalStateException.class);
    }
}
