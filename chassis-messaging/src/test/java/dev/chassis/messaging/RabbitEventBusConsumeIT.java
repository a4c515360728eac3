package dev.chassis.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import dev.chassis.core.NonRetryableException;
import dev.chassis.core.RetryableException;
import dev.chassis.core.bus.DeadLetter;
import dev.chassis.core.bus.Delivery;
import dev.chassis.core.bus.Headers;
import dev.chassis.core.bus.RetryPolicy;
import dev.chassis.core.bus.Subscription;
import dev.chassis.core.bus.SubscriptionHandle;
import dev.chassis.core.envelope.CloudEventJson;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RabbitEventBusConsumeIT {
    private static final RetryPolicy FAST = RetryPolicy.builder().maxAttempts(3).initialDelay(Duration.ofMillis(100))
            .multiplier(2).maxDelay(Duration.ofMillis(200)).build();

    @RegisterExtension
    final RabbitFixture rabbit = new RabbitFixture();

    @Test
    void declaresRetryQueuesAndSucceedsAfterRetries() throws Exception {
        // given
        RabbitEventBus bus = rabbit.bus();
        String queue = rabbit.queue("flaky");
        List<Integer> attempts = new CopyOnWriteArrayList<>();
        bus.subscribe(Subscription.builder(queue).topic("flaky").retry(FAST).handler(d -> {
            attempts.add(d.attempt());
            if (d.attempt() < 3) {
                throw new RetryableException("not yet");
            }
        }).build());

        // when
        bus.publish("flaky", RabbitFixture.envelope("x")).toCompletableFuture().join();

        // then
        await().atMost(Duration.ofSeconds(10)).until(() -> attempts.size() == 3);
        assertThat(attempts).containsExactly(1, 2, 3);
        try (Channel ch = rabbit.channel()) {
            AMQP.Queue.DeclareOk retry100 = ch.queueDeclarePassive(queue + ".retry.100ms");
            assertThat(retry100.getMessageCount()).isZero();
            ch.queueDeclarePassive(queue + ".retry.200ms");
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> rabbit.messageCount(queue) == 0);
        assertThat(rabbit.messageCount(queue + ".dlq")).isZero();
    }

    @Test
    void anErrorThrownByTheHandlerIsRetriedLikeAnException() throws Exception {
        // given
        RabbitEventBus bus = rabbit.bus();
        String queue = rabbit.queue("error");
        List<Integer> attempts = new CopyOnWriteArrayList<>();
        bus.subscribe(Subscription.builder(queue).topic("e").retry(FAST).handler(d -> {
            attempts.add(d.attempt());
            if (d.attempt() == 1) {
                throw new AssertionError("first time fails");
            }
        }).build());

        // when
        bus.publish("e", RabbitFixture.envelope("x")).toCompletableFuture().join();

        // then
        await().atMost(Duration.ofSeconds(10)).until(() -> attempts.size() == 2);
        assertThat(attempts).containsExactly(1, 2);
    }

    @Test
    void poisonGoesToTheDeadLetterQueueAfterMaxAttemptsWhileOthersFlow() throws Exception {
        // given
        RabbitEventBus bus = rabbit.bus();
        String queue = rabbit.queue("poison");
        List<String> handled = new CopyOnWriteArrayList<>();
        bus.subscribe(Subscription.builder(queue).topic("p").retry(FAST).handler(d -> {
            if (d.envelope().dataText().equals("poison")) {
                throw new IllegalStateException("cannot digest " + "x".repeat(2000));
            }
            handled.add(d.envelope().dataText());
        }).build());

        // when
        bus.publish("p", RabbitFixture.envelope("poison")).toCompletableFuture().join();
        for (int i = 0; i < 20; i++) {
            bus.publish("p", RabbitFixture.envelope("ok" + i)).toCompletableFuture().join();
        }

        // then
        await().atMost(Duration.ofSeconds(10)).until(() -> rabbit.messageCount(queue + ".dlq") == 1);
        assertThat(handled).hasSize(20);
        List<DeadLetter> letters = bus.deadLetters().peek(queue, 10);
        assertThat(letters).hasSize(1);
        DeadLetter letter = letters.get(0);
        assertThat(letter.exceptionClass()).isEqualTo(IllegalStateException.class.getName());
        assertThat(letter.exceptionMessage()).startsWith("cannot digest").hasSize(1000);
        assertThat(letter.attempts()).isEqualTo(3);
        assertThat(letter.queue()).isEqualTo(queue);
        assertThat(letter.topic()).isEqualTo("p");
        assertThat(letter.decoded()).hasValueSatisfying(e -> assertThat(e.dataText()).isEqualTo("poison"));
        assertThat(rabbit.messageCount(queue + ".dlq")).as("peek leaves the letter in place").isEqualTo(1);
    }

    @Test
    void nonRetryableFailureIsDeadLetteredAtOnce() throws Exception {
        // given
        RabbitEventBus bus = rabbit.bus();
        String queue = rabbit.queue("fatal");
        List<Integer> attempts = new CopyOnWriteArrayList<>();
        bus.subscribe(Subscription.builder(queue).topic("f").retry(FAST).handler(d -> {
            attempts.add(d.attempt());
            throw new NonRetryableException("bad order");
        }).build());

        // when
        bus.publish("f", RabbitFixture.envelope("x")).toCompletableFuture().join();

        // then
        await().atMost(Duration.ofSeconds(10)).until(() -> rabbit.messageCount(queue + ".dlq") == 1);
        assertThat(attempts).containsExactly(1);
        try (Channel ch = rabbit.channel()) {
            GetResponse r = ch.basicGet(queue + ".dlq", false);
            Map<String, Object> h = r.getProps().getHeaders();
            assertThat(h.get(Headers.EXCEPTION_CLASS).toString()).isEqualTo(NonRetryableException.class.getName());
            assertThat(h.get(Headers.EXCEPTION_MESSAGE).toString()).isEqualTo("bad order");
            assertThat(h.get(Headers.ATTEMPTS)).isEqualTo(1);
            assertThat(h.get(Headers.ORIGINAL_QUEUE).toString()).isEqualTo(queue);
            assertThat(h.get(Headers.TOPIC).toString()).isEqualTo("f");
            assertThat(h).containsKey(Headers.DEAD_LETTERED_AT);
        }
    }

    @Test
    void undecodableMessagesGoToTheDeadLetterQueueAtOnce() throws Exception {
        // given
        RabbitEventBus bus = rabbit.bus();
        String queue = rabbit.queue("garbage");
        List<Delivery> handled = new CopyOnWriteArrayList<>();
        bus.subscribe(Subscription.builder(queue).topic("g").retry(FAST).handler(handled::add).build());

        // when
        try (Channel ch = rabbit.channel()) {
            ch.basicPublish(rabbit.exchange, "g", null, "\u0000garbage".getBytes(StandardCharsets.UTF_8));
            ch.basicPublish(rabbit.exchange, "g", new AMQP.BasicProperties.Builder()
                    .contentType(CloudEventJson.CONTENT_TYPE).messageId("m-json").build(), "{not json".getBytes());
        }
        bus.publish("g", RabbitFixture.envelope("fine")).toCompletableFuture().join();

        // then
        await().atMost(Duration.ofSeconds(10)).until(() -> rabbit.messageCount(queue + ".dlq") == 2);
        await().atMost(Duration.ofSeconds(5)).until(() -> handled.size() == 1);
        List<DeadLetter> letters = bus.deadLetters().peek(queue, 10);
        assertThat(letters).hasSize(2).allSatisfy(l -> {
            assertThat(l.decoded()).isEmpty();
            assertThat(l.attempts()).isEqualTo(1);
            assertThat(l.exceptionMessage()).isNotEmpty();
        });
        assertThat(letters).extracting(DeadLetter::messageId).contains("m-json");
        assertThat(letters.get(0).body()).isEqualTo("\u0000garbage".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aDeliveryWhoseConsumerDiesBeforeTheAckIsRedeliveredToAnotherInstance() throws Exception {
        // given two instances of one service on the same queue
        RabbitEventBus first = rabbit.bus();
        RabbitEventBus second = rabbit.bus();
        String queue = rabbit.queue("crash");
        CountDownLatch inHandler = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        SubscriptionHandle dying = first.subscribe(Subscription.builder(queue).topic("c").handler(d -> {
            inHandler.countDown();
            release.await(10, TimeUnit.SECONDS);
        }).build());
        first.publish("c", RabbitFixture.envelope("survivor")).toCompletableFuture().join();
        assertThat(inHandler.await(10, TimeUnit.SECONDS)).isTrue();
        List<Delivery> received = new CopyOnWriteArrayList<>();
        second.subscribe(Subscription.builder(queue).topic("c").handler(received::add).build());

        // when the first instance's channel goes away before its handler returns
        ((RabbitSubscriber) dying).abortChannels();
        release.countDown();

        // then
        await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 1);
        assertThat(received.get(0).redelivered()).isTrue();
        assertThat(received.get(0).envelope().dataText()).isEqualTo("survivor");
    }

    @Test
    void pauseStopsDeliveriesAndResumeRestartsThem() throws Exception {
        // given
        RabbitEventBus bus = rabbit.bus();
        String queue = rabbit.queue("pause");
        List<Delivery> received = new CopyOnWriteArrayList<>();
        SubscriptionHandle handle = bus.subscribe(Subscription.builder(queue).topic("q").concurrency(2)
                .handler(received::add).build());

        // when
        handle.pause();
        bus.publish("q", RabbitFixture.envelope("later")).toCompletableFuture().join();

        // then
        await().atMost(Duration.ofSeconds(5)).until(() -> rabbit.messageCount(queue) == 1);
        assertThat(received).isEmpty();
        assertThat(handle.isPaused()).isTrue();
        handle.resume();
        await().atMost(Duration.ofSeconds(5)).until(() -> received.size() == 1);
    }

    @Test
    void secondSubscriptionOnTheSameQueueIsRefused() {
        RabbitEventBus bus = rabbit.bus();
        String queue = rabbit.queue("twice");
        bus.subscribe(Subscription.builder(queue).topic("t").handler(d -> { }).build());
        assertThatThrownBy(() -> bus.subscribe(Subscription.builder(queue).topic("t").handler(d -> { }).build()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining(queue);
    }

    @Test
    void aConsumerChannelClosedByAChannelErrorIsReplaced() throws Exception {
        // given
        List<String> events = new CopyOnWriteArrayList<>();
        RabbitEventBus bus = rabbit.bus(b -> b.connectionListener(new RabbitConnectionListener() {
            @Override
            public void onChannelReplaced(String purpose, String reason) {
                events.add("replaced " + purpose + " " + reason);
            }

            @Override
            public void onConsumerRestarted(String queue) {
                events.add("restarted " + queue);
            }
        }));
        String queue = rabbit.queue("channel-error");
        List<Delivery> received = new CopyOnWriteArrayList<>();
        SubscriptionHandle handle = bus.subscribe(Subscription.builder(queue).topic("ce").handler(received::add).build());

        // when the broker closes the consumer's channel: acknowledging an unknown delivery tag is a channel error
        ((RabbitSubscriber) handle).channel(0).basicAck(424242, false);

        // then
        await().atMost(Duration.ofSeconds(10)).until(() -> events.contains("restarted " + queue));
        assertThat(events.get(0)).startsWith("replaced " + queue + " 406");
        bus.publish("ce", RabbitFixture.envelope("after")).toCompletableFuture().join();
        await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 1);
    }

    @Test
    void aDeletedQueueIsDeclaredAgainAndConsumedAgain() throws Exception {
        // given
        List<String> events = new CopyOnWriteArrayList<>();
        RabbitEventBus bus = rabbit.bus(b -> b.connectionListener(new RabbitConnectionListener() {
            @Override
            public void onConsumerCancelled(String queue) {
                events.add("cancelled " + queue);
            }

            @Override
            public void onConsumerRestarted(String queue) {
                events.add("restarted " + queue);
            }
        }));
        String queue = rabbit.queue("deleted");
        List<Delivery> received = new CopyOnWriteArrayList<>();
        bus.subscribe(Subscription.builder(queue).topic("d").handler(received::add).build());

        // when
        try (Channel ch = rabbit.channel()) {
            ch.queueDelete(queue);
        }

        // then
        await().atMost(Duration.ofSeconds(10)).until(() -> events.contains("restarted " + queue));
        assertThat(events).contains("cancelled " + queue);
        bus.publish("d", RabbitFixture.envelope("again")).toCompletableFuture().join();
        await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 1);
    }
}
