package dev.chassis.testkit.bus;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import dev.chassis.core.NonRetryableException;
import dev.chassis.core.RetryableException;
import dev.chassis.core.bus.DeadLetter;
import dev.chassis.core.context.CorrelationContext;
import dev.chassis.core.context.CorrelationScope;
import dev.chassis.core.bus.DeadLetters;
import dev.chassis.core.bus.Delivery;
import dev.chassis.core.bus.EventBus;
import dev.chassis.core.bus.EventHandler;
import dev.chassis.core.bus.PublishException;
import dev.chassis.core.bus.RetryPolicy;
import dev.chassis.core.bus.Subscription;
import dev.chassis.core.bus.SubscriptionHandle;
import dev.chassis.core.envelope.Envelope;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Every promise of {@link EventBus} as a JUnit 5 test; each implementation extends this class and
 * supplies its buses, so all implementations behave the same.
 *
 * <pre>{@code
 * class InMemoryEventBusTest extends EventBusCompatibilityKit {
 *     private final InMemoryBroker broker = InMemoryBroker.create();
 *
 *     protected EventBus createBus() {
 *         return InMemoryEventBus.builder().broker(broker).build();
 *     }
 * }
 * }</pre>
 *
 * <p>Every test uses queue and topic names with a random part, so the kit can run against a shared
 * broker; the queues a test declared are handed to {@link #deleteQueue(String)} after it. Retry
 * delays are short ({@link #retryDelay()}), and waiting is done with Awaitility, never by sleeping.
 * A new instance runs each test (JUnit's default lifecycle); instances are not thread-safe.
 */
public abstract class EventBusCompatibilityKit {
    private final String root = "kit" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    private final List<EventBus> buses = new ArrayList<>();
    private final Set<String> queues = new LinkedHashSet<>();

    /** For subclasses. */
    protected EventBusCompatibilityKit() {
    }

    /**
     * Makes a bus under test. A test may call this several times; every bus made for one test must
     * reach the same broker, as two connections to one RabbitMQ broker do, so that queues outlive a
     * closed bus and consumers on two buses compete. The kit closes the buses after each test.
     *
     * @return a new bus
     */
    protected abstract EventBus createBus();

    /**
     * Removes a queue (with its retry and dead-letter queues) that a test declared; called after each
     * test for every queue it used. The default does nothing, for buses whose broker lives per test.
     *
     * @param queue the subscription's queue name
     */
    protected void deleteQueue(String queue) {
    }

    /** @return the delay before each retry in the kit's retry policies; default 100 ms */
    protected Duration retryDelay() {
        return Duration.ofMillis(100);
    }

    /** @return how long the kit waits for something that must happen; default 10 s */
    protected Duration timeout() {
        return Duration.ofSeconds(10);
    }

    /**
     * A queue name unique to this test run, remembered for {@link #deleteQueue(String)}.
     *
     * @param purpose a readable part, letters and dashes
     * @return e.g. {@code kit3f9a….welcome}
     */
    protected final String queue(String purpose) {
        String name = root + "." + purpose;
        queues.add(name);
        return name;
    }

    /**
     * A topic unique to this test run.
     *
     * @param words dot-separated words, may contain wildcards when used as a pattern
     * @return the words under this test's own first word
     */
    protected final String topic(String words) {
        return root + "." + words;
    }

    /** Closes the buses the test made and deletes the queues it declared. */
    @AfterEach
    protected final void closeBusesAndDeleteQueues() {
        buses.forEach(EventBus::close);
        queues.forEach(this::deleteQueue);
    }

    /** Delivers the published envelope with every attribute and extension intact, as a copy. */
    @Test
    public void deliversTheEnvelopeWithEveryAttributeIntact() throws Exception {
        // given
        EventBus bus = newBus();
        String queue = queue("attributes");
        String topic = topic("user.created");
        Recorder received = new Recorder();
        bus.subscribe(Subscription.builder(queue).topic(topic).handler(received).retry(retry(3)).build());
        Envelope sent = Envelope.builder()
                .id("id-" + UUID.randomUUID())
                .source("/kit/user-service")
                .type("user.created")
                .time(Instant.parse("2026-01-02T03:04:05.678Z"))
                .subject("u-42")
                .dataSchema(URI.create("https://schemas.example.com/user-created/1"))
                .data(Map.of("userId", "u-42", "email", "ada@example.com"))
                .correlationId("c-7f3a")
                .causationId("k-1")
                .traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
                .tracestate("vendor=1")
                .extension("tenant", "acme")
                .build();

        // when
        publish(bus, topic, sent);

        // then
        eventually().until(() -> received.size() == 1);
        Delivery delivery = received.get(0);
        assertThat(delivery.envelope()).isEqualTo(sent).isNotSameAs(sent);
        assertThat(delivery.envelope().extension("tenant")).contains("acme");
        assertThat(delivery.topic()).isEqualTo(topic);
        assertThat(delivery.queue()).isEqualTo(queue);
        assertThat(delivery.attempt()).isEqualTo(1);
        assertThat(delivery.redelivered()).isFalse();
    }

    /**
     * Runs the handler with the envelope's correlation current, caused by the envelope; what the
     * handler publishes carries the same correlation and names the handled message as its cause.
     */
    @Test
    public void handlersRunInTheMessagesCorrelationAndPassItOn() throws Exception {
        // given
        EventBus bus = newBus();
        String first = topic("order.placed");
        String second = topic("payment.requested");
        List<CorrelationContext> seen = new CopyOnWriteArrayList<>();
        Recorder followUps = new Recorder();
        bus.subscribe(Subscription.builder(queue("corr-first")).topic(first).retry(retry(3)).handler(d -> {
            seen.add(CorrelationContext.current().orElseThrow());
            bus.publish(second, envelope(2).withCorrelationId(null)).toCompletableFuture().get(timeout().toMillis(), MILLISECONDS);
        }).build());
        bus.subscribe(Subscription.builder(queue("corr-second")).topic(second).retry(retry(3)).handler(followUps).build());
        Envelope sent = envelope(1).withCorrelationId("flow-42");

        // when
        publish(bus, first, sent);

        // then
        eventually().until(() -> followUps.size() == 1);
        assertThat(seen).containsExactly(CorrelationContext.of("flow-42", sent.id()));
        Envelope followUp = followUps.get(0).envelope();
        assertThat(followUp.correlationId()).contains("flow-42");
        assertThat(followUp.causationId()).contains(sent.id());
        assertThat(CorrelationContext.current()).as("no context leaks out of the consumer").isEmpty();
    }

    /** Carries the publisher's W3C trace context in the message and makes it current around the handler. */
    @Test
    public void handlersRunInTheMessagesTraceContext() throws Exception {
        // given
        EventBus bus = newBus();
        String topic = topic("trace.me");
        List<String> seen = new CopyOnWriteArrayList<>();
        bus.subscribe(Subscription.builder(queue("trace")).topic(topic).retry(retry(3)).handler(d -> {
            SpanContext span = Span.current().getSpanContext();
            seen.add(span.getTraceId() + "/" + span.getSpanId());
        }).build());
        SpanContext parent = SpanContext.create("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7",
                TraceFlags.getSampled(), TraceState.getDefault());

        // when
        try (Scope scope = Context.root().with(Span.wrap(parent)).makeCurrent()) {
            publish(bus, topic, envelope(1));
        }

        // then
        eventually().until(() -> seen.size() == 1);
        assertThat(seen).containsExactly("4bf92f3577b34da6a3ce929d0e0e4736/00f067aa0ba902b7");
    }

    /** Fills a missing correlation id from the publisher's current context, or starts a new one. */
    @Test
    public void publishStampsTheCurrentCorrelationOrStartsOne() throws Exception {
        // given
        EventBus bus = newBus();
        String topic = topic("user.created");
        Recorder received = new Recorder();
        bus.subscribe(Subscription.builder(queue("corr-stamp")).topic(topic).retry(retry(3)).handler(received).build());

        // when
        try (CorrelationScope scope = CorrelationContext.of("request-7", "http-1").makeCurrent()) {
            publish(bus, topic, envelope(1).withCorrelationId(null));
        }
        publish(bus, topic, envelope(2).withCorrelationId(null));

        // then
        eventually().until(() -> received.size() == 2);
        List<Envelope> envelopes = List.of(received.get(0).envelope(), received.get(1).envelope());
        assertThat(envelopes).anySatisfy(e -> {
            assertThat(e.correlationId()).contains("request-7");
            assertThat(e.causationId()).contains("http-1");
        });
        assertThat(envelopes).anySatisfy(e -> {
            assertThat(e.correlationId()).isPresent().get().isNotEqualTo("request-7");
            assertThat(e.causationId()).isEmpty();
        });
    }

    /** Routes with {@code *} as exactly one word and {@code #} as zero or more words. */
    @Test
    public void routesTopicWildcardsAsATopicExchangeDoes() throws Exception {
        // given
        EventBus bus = newBus();
        Recorder oneWord = new Recorder();
        Recorder anyWords = new Recorder();
        bus.subscribe(Subscription.builder(queue("one-word")).topic(topic("*.created")).handler(oneWord).build());
        bus.subscribe(Subscription.builder(queue("any-words")).topic(topic("#")).handler(anyWords).build());

        // when
        publish(bus, topic("user.created"), envelope(1));
        publish(bus, topic("order.line.created"), envelope(2));
        publish(bus, topic("user"), envelope(3));
        publish(bus, root, envelope(4));
        publish(bus, topic("end.created"), envelope(5));

        // then
        eventually().until(() -> oneWord.size() == 2 && anyWords.size() == 5);
        assertThat(oneWord.topics()).containsExactly(topic("user.created"), topic("end.created"));
        assertThat(anyWords.topics()).containsExactlyInAnyOrder(topic("user.created"), topic("order.line.created"),
                topic("user"), root, topic("end.created"));
    }

    /** Gives every queue bound to a topic its own copy. */
    @Test
    public void fansOutToEveryMatchingQueue() throws Exception {
        // given
        EventBus bus = newBus();
        String topic = topic("user.created");
        Recorder email = new Recorder();
        Recorder audit = new Recorder();
        bus.subscribe(Subscription.builder(queue("email")).topic(topic).handler(email).build());
        bus.subscribe(Subscription.builder(queue("audit")).topic(topic("user.*")).handler(audit).build());
        Envelope sent = envelope(1);

        // when
        publish(bus, topic, sent);

        // then
        eventually().until(() -> email.size() == 1 && audit.size() == 1);
        assertThat(email.get(0).envelope()).isEqualTo(sent);
        assertThat(audit.get(0).envelope()).isEqualTo(sent);
        assertThat(email.get(0).queue()).isNotEqualTo(audit.get(0).queue());
    }

    /** Shares one queue's messages between consumers on two buses, each message handled once. */
    @Test
    public void competingConsumersShareTheWorkOfOneQueue() throws Exception {
        // given
        EventBus one = newBus();
        EventBus two = newBus();
        String queue = queue("work");
        String topic = topic("job.created");
        CountDownLatch bothBusy = new CountDownLatch(2);
        Map<String, String> handledBy = new ConcurrentHashMap<>();
        AtomicInteger duplicates = new AtomicInteger();
        one.subscribe(Subscription.builder(queue).topic(topic).handler(worker("one", bothBusy, handledBy, duplicates))
                .build());
        two.subscribe(Subscription.builder(queue).topic(topic).handler(worker("two", bothBusy, handledBy, duplicates))
                .build());

        // when
        for (int i = 0; i < 20; i++) {
            publish(one, topic, envelope(i));
        }

        // then
        eventually().until(() -> handledBy.size() == 20);
        assertThat(duplicates).hasValue(0);
        assertThat(Set.copyOf(handledBy.values())).containsExactlyInAnyOrder("one", "two");
    }

    private EventHandler worker(String name, CountDownLatch bothBusy, Map<String, String> handledBy,
            AtomicInteger duplicates) {
        return delivery -> {
            // each consumer holds its first message until the other one has one too
            bothBusy.countDown();
            bothBusy.await(timeout().toMillis(), MILLISECONDS);
            if (handledBy.putIfAbsent(delivery.envelope().id(), name) != null) {
                duplicates.incrementAndGet();
            }
        };
    }

    /** Fails a publish to a topic that no queue is bound to with {@code UNROUTABLE}. */
    @Test
    public void failsAPublishNoQueueIsBoundToAsUnroutable() {
        // given
        EventBus bus = newBus();

        // when
        PublishException failure = publishFailure(bus, topic("nobody.listens"), envelope(1));

        // then
        assertThat(failure.reason()).isEqualTo(PublishException.Reason.UNROUTABLE);
        assertThat(failure.topic()).isEqualTo(topic("nobody.listens"));
    }

    /** Rejects a malformed or wildcard topic on publish, directly rather than through the stage. */
    @Test
    public void rejectsMalformedTopicsOnPublish() {
        // given
        EventBus bus = newBus();

        // when / then
        assertThatThrownBy(() -> bus.publish(root + "..created", envelope(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> bus.publish(topic("#"), envelope(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** Allows one open subscription per queue per bus. */
    @Test
    public void refusesASecondSubscriptionOnTheSameQueueOfOneBus() {
        // given
        EventBus bus = newBus();
        Subscription subscription = Subscription.builder(queue("twice")).topic(topic("x")).handler(d -> { }).build();
        bus.subscribe(subscription);

        // when / then
        assertThatThrownBy(() -> bus.subscribe(subscription)).isInstanceOf(IllegalStateException.class);
    }

    /** Closes a handle idempotently: closing it again leaves a later subscription on its queue open. */
    @Test
    public void closingAHandleAgainLeavesALaterSubscriptionOnItsQueueOpen() throws Exception {
        // given
        EventBus bus = newBus();
        String queue = queue("reopened");
        String topic = topic("user.created");
        SubscriptionHandle old = bus.subscribe(Subscription.builder(queue).topic(topic).handler(d -> { }).build());
        old.close();
        Recorder received = new Recorder();
        Subscription again = Subscription.builder(queue).topic(topic).handler(received).build();
        bus.subscribe(again);

        // when
        old.close();

        // then
        assertThatThrownBy(() -> bus.subscribe(again)).isInstanceOf(IllegalStateException.class);
        publish(bus, topic, envelope(1));
        eventually().until(() -> received.size() == 1);
    }

    /** Retries a failed delivery after the policy's delay, counting attempts, until the handler succeeds. */
    @Test
    public void retriesAfterTheDelayUntilTheHandlerSucceeds() throws Exception {
        // given
        EventBus bus = newBus();
        String queue = queue("flaky");
        String topic = topic("payment.requested");
        List<Integer> attempts = new CopyOnWriteArrayList<>();
        List<Long> times = new CopyOnWriteArrayList<>();
        AtomicBoolean succeeded = new AtomicBoolean();
        bus.subscribe(Subscription.builder(queue).topic(topic).retry(retry(5)).handler(delivery -> {
            attempts.add(delivery.attempt());
            times.add(System.nanoTime());
            if (attempts.size() < 3) {
                throw new RetryableException("gateway busy");
            }
            succeeded.set(true);
        }).build());

        // when
        publish(bus, topic, envelope(1));

        // then
        eventually().untilTrue(succeeded);
        assertThat(attempts).containsExactly(1, 2, 3);
        for (int i = 1; i < times.size(); i++) {
            assertThat(Duration.ofNanos(times.get(i) - times.get(i - 1))).isGreaterThanOrEqualTo(retryDelay());
        }
        assertThat(bus.deadLetters().count(queue)).isZero();
    }

    /** Dead-letters a message whose retries ran out, recording the failure, the attempts and the queue. */
    @Test
    public void deadLettersWhenRetriesRunOut() throws Exception {
        // given
        EventBus bus = newBus();
        String queue = queue("always-fails");
        String topic = topic("order.placed");
        List<Integer> attempts = new CopyOnWriteArrayList<>();
        bus.subscribe(Subscription.builder(queue).topic(topic).retry(retry(3)).handler(delivery -> {
            attempts.add(delivery.attempt());
            throw new IllegalStateException("boom on attempt " + delivery.attempt());
        }).build());
        Envelope sent = envelope(1);
        Instant before = Instant.now().minusSeconds(60);

        // when
        publish(bus, topic, sent);

        // then
        DeadLetters deadLetters = bus.deadLetters();
        eventually().until(() -> deadLetters.count(queue) == 1);
        DeadLetter letter = deadLetters.peek(queue, 10).get(0);
        assertThat(letter.messageId()).isEqualTo(sent.id());
        assertThat(letter.queue()).isEqualTo(queue);
        assertThat(letter.topic()).isEqualTo(topic);
        assertThat(letter.decoded()).contains(sent);
        assertThat(letter.exceptionClass()).isEqualTo(IllegalStateException.class.getName());
        assertThat(letter.exceptionMessage()).isEqualTo("boom on attempt 3");
        assertThat(letter.attempts()).isEqualTo(3);
        assertThat(letter.deadLetteredAt()).isBetween(before, Instant.now().plusSeconds(60));
        assertThat(attempts).containsExactly(1, 2, 3);
    }

    /** Dead-letters at once, without retries, when the handler throws a {@link NonRetryableException}. */
    @Test
    public void deadLettersANonRetryableFailureAtOnce() throws Exception {
        // given
        EventBus bus = newBus();
        String queue = queue("rejects");
        String topic = topic("order.placed");
        AtomicInteger calls = new AtomicInteger();
        bus.subscribe(Subscription.builder(queue).topic(topic).retry(retry(5)).handler(delivery -> {
            calls.incrementAndGet();
            throw new NonRetryableException("order has no lines");
        }).build());

        // when
        publish(bus, topic, envelope(1));

        // then
        eventually().until(() -> bus.deadLetters().count(queue) == 1);
        DeadLetter letter = bus.deadLetters().peek(queue, 1).get(0);
        assertThat(letter.attempts()).isEqualTo(1);
        assertThat(letter.exceptionClass()).isEqualTo(NonRetryableException.class.getName());
        assertThat(letter.exceptionMessage()).isEqualTo("order has no lines");
        assertThat(calls).hasValue(1);
    }

    /** Keeps delivering other messages while a poison message waits for its retries. */
    @Test
    public void keepsOtherMessagesFlowingWhileAPoisonMessageIsRetried() throws Exception {
        // given
        EventBus bus = newBus();
        String queue = queue("mixed");
        String topic = topic("item.added");
        Envelope poison = envelope(0);
        AtomicInteger poisonAttempts = new AtomicInteger();
        AtomicInteger good = new AtomicInteger();
        AtomicInteger poisonAttemptsWhenGoodDone = new AtomicInteger(-1);
        bus.subscribe(Subscription.builder(queue).topic(topic).concurrency(1).retry(retry(3)).handler(delivery -> {
            if (delivery.envelope().id().equals(poison.id())) {
                poisonAttempts.incrementAndGet();
                throw new IllegalStateException("poison");
            }
            if (good.incrementAndGet() == 5) {
                poisonAttemptsWhenGoodDone.set(poisonAttempts.get());
            }
        }).build());

        // when
        publish(bus, topic, poison);
        for (int i = 1; i <= 5; i++) {
            publish(bus, topic, envelope(i));
        }

        // then
        eventually().until(() -> good.get() == 5 && bus.deadLetters().count(queue) == 1);
        assertThat(poisonAttemptsWhenGoodDone.get()).isBetween(1, 2);
        assertThat(poisonAttempts).hasValue(3);
    }

    /** Redrives one dead letter by id with a fresh attempt count; the others stay. */
    @Test
    public void redrivesOneDeadLetterById() throws Exception {
        // given
        EventBus bus = newBus();
        String queue = queue("redrive-one");
        String topic = topic("mail.requested");
        AtomicBoolean fixed = new AtomicBoolean();
        Recorder handled = new Recorder();
        bus.subscribe(Subscription.builder(queue).topic(topic).retry(retry(2)).handler(brokenUntil(fixed, handled))
                .build());
        Envelope first = envelope(1);
        Envelope second = envelope(2);
        publish(bus, topic, first);
        publish(bus, topic, second);
        DeadLetters deadLetters = bus.deadLetters();
        eventually().until(() -> deadLetters.count(queue) == 2);
        assertThat(deadLetters.peek(queue, 10)).extracting(DeadLetter::attempts).containsOnly(2);
        fixed.set(true);

        // when
        boolean redriven = deadLetters.redrive(queue, first.id());

        // then
        assertThat(redriven).isTrue();
        eventually().until(() -> handled.size() == 1 && deadLetters.count(queue) == 1);
        assertThat(handled.get(0).envelope()).isEqualTo(first);
        assertThat(handled.get(0).attempt()).isEqualTo(1);
        assertThat(deadLetters.peek(queue, 10)).extracting(DeadLetter::messageId).containsExactly(second.id());
        assertThat(deadLetters.redrive(queue, "no-such-message")).isFalse();
    }

    /** Redrives every dead letter of a queue to a handler that now succeeds. */
    @Test
    public void redrivesAllDeadLetters() throws Exception {
        // given
        EventBus bus = newBus();
        String queue = queue("redrive-all");
        String topic = topic("mail.requested");
        AtomicBoolean fixed = new AtomicBoolean();
        Recorder handled = new Recorder();
        bus.subscribe(Subscription.builder(queue).topic(topic).retry(retry(2)).handler(brokenUntil(fixed, handled))
                .build());
        Set<String> sent = new LinkedHashSet<>();
        for (int i = 0; i < 3; i++) {
            Envelope e = envelope(i);
            sent.add(e.id());
            publish(bus, topic, e);
        }
        DeadLetters deadLetters = bus.deadLetters();
        eventually().until(() -> deadLetters.count(queue) == 3);
        assertThat(deadLetters.peek(queue, 2)).hasSize(2);
        fixed.set(true);

        // when
        long redriven = deadLetters.redriveAll(queue);

        // then
        assertThat(redriven).isEqualTo(3);
        eventually().until(() -> handled.size() == 3 && deadLetters.count(queue) == 0);
        assertThat(handled.ids()).containsExactlyInAnyOrderElementsOf(sent);
        assertThat(handled.deliveries).extracting(Delivery::attempt).containsOnly(1);
    }

    private static EventHandler brokenUntil(AtomicBoolean fixed, Recorder handled) {
        return delivery -> {
            if (!fixed.get()) {
                throw new IllegalStateException("template missing");
            }
            handled.handle(delivery);
        };
    }

    /** Stops deliveries while paused and delivers what waited once resumed. */
    @Test
    public void pauseStopsDeliveriesAndResumeRestartsThem() throws Exception {
        // given
        EventBus bus = newBus();
        String topic = topic("stock.changed");
        Recorder received = new Recorder();
        SubscriptionHandle handle = bus.subscribe(Subscription.builder(queue("pausable")).topic(topic)
                .handler(received).build());

        // when
        handle.pause();
        publish(bus, topic, envelope(1));

        // then
        assertThat(handle.isPaused()).isTrue();
        await().during(Duration.ofMillis(300)).atMost(timeout()).until(() -> received.size() == 0);

        // when
        handle.resume();

        // then
        assertThat(handle.isPaused()).isFalse();
        eventually().until(() -> received.size() == 1);
    }

    /** Keeps a queue's messages while no consumer is attached and delivers them on the next subscribe. */
    @Test
    public void keepsMessagesForAQueueWithoutConsumers() throws Exception {
        // given
        EventBus bus = newBus();
        String queue = queue("durable");
        String topic = topic("user.created");
        Recorder first = new Recorder();
        bus.subscribe(Subscription.builder(queue).topic(topic).handler(first).build()).close();
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Envelope e = envelope(i);
            sent.add(e.id());
            publish(bus, topic, e);
        }

        // when
        Recorder second = new Recorder();
        bus.subscribe(Subscription.builder(queue).topic(topic).handler(second).build());

        // then
        eventually().until(() -> second.size() == 3);
        assertThat(second.ids()).containsExactlyElementsOf(sent);
        assertThat(first.size()).isZero();
    }

    /** Stops consuming when its bus closes; the queue keeps the messages for another consumer. */
    @Test
    public void closingTheBusStopsItsConsumers() throws Exception {
        // given
        EventBus closing = newBus();
        EventBus other = newBus();
        String queue = queue("handover");
        String topic = topic("user.created");
        Recorder closed = new Recorder();
        closing.subscribe(Subscription.builder(queue).topic(topic).handler(closed).build());
        closing.close();
        Envelope sent = envelope(1);

        // when
        publish(other, topic, sent);
        Recorder taker = new Recorder();
        other.subscribe(Subscription.builder(queue).topic(topic).handler(taker).build());

        // then
        eventually().until(() -> taker.size() == 1);
        assertThat(taker.get(0).envelope()).isEqualTo(sent);
        assertThat(closed.size()).isZero();
    }

    /** Fails every publish after close with {@code CLOSED}; closing again is harmless. */
    @Test
    public void failsPublishAfterCloseWithClosed() {
        // given
        EventBus bus = newBus();
        bus.subscribe(Subscription.builder(queue("after-close")).topic(topic("x")).handler(d -> { }).build());
        bus.close();
        bus.close();

        // when
        PublishException failure = publishFailure(bus, topic("x"), envelope(1));

        // then
        assertThat(failure.reason()).isEqualTo(PublishException.Reason.CLOSED);
    }

    /** Runs up to {@code concurrency} handlers of a subscription in parallel, never more. */
    @Test
    public void runsConcurrencyHandlersInParallelAndNeverMore() throws Exception {
        // given
        EventBus bus = newBus();
        String topic = topic("image.uploaded");
        AtomicInteger running = new AtomicInteger();
        AtomicInteger mostRunning = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        bus.subscribe(Subscription.builder(queue("parallel")).topic(topic).concurrency(3).handler(delivery -> {
            mostRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
            try {
                release.await(timeout().toMillis(), MILLISECONDS);
            } finally {
                running.decrementAndGet();
                done.incrementAndGet();
            }
        }).build());

        // when
        for (int i = 0; i < 7; i++) {
            publish(bus, topic, envelope(i));
        }

        // then
        eventually().until(() -> running.get() == 3);
        await().during(Duration.ofMillis(300)).atMost(timeout()).until(() -> running.get() == 3 && done.get() == 0);
        release.countDown();
        eventually().until(() -> done.get() == 7);
        assertThat(mostRunning).hasValue(3);
    }

    /**
     * A bus from {@link #createBus()}, closed after the test.
     *
     * @return the bus
     */
    protected final EventBus newBus() {
        EventBus bus = createBus();
        buses.add(bus);
        return bus;
    }

    /**
     * A retry policy with {@link #retryDelay()} before every retry.
     *
     * @param maxAttempts deliveries in all
     * @return the policy
     */
    protected final RetryPolicy retry(int maxAttempts) {
        return RetryPolicy.builder().maxAttempts(maxAttempts).initialDelay(retryDelay()).multiplier(1.0)
                .maxDelay(retryDelay()).build();
    }

    /**
     * A small JSON envelope with a fresh id and a correlation id, so the bus delivers it unchanged.
     *
     * @param n a number put into the payload
     * @return the envelope
     */
    protected static Envelope envelope(int n) {
        return Envelope.builder().type("kit.tested").source("/kit").data(Map.of("n", n)).correlationId("kit-" + n).build();
    }

    /**
     * Publishes and waits for the confirm.
     *
     * @param bus the bus
     * @param topic the topic
     * @param envelope the envelope
     * @throws Exception if the publish failed or timed out
     */
    protected final void publish(EventBus bus, String topic, Envelope envelope) throws Exception {
        bus.publish(topic, envelope).toCompletableFuture().get(timeout().toMillis(), MILLISECONDS);
    }

    /**
     * Publishes, expecting the stage to fail with a {@link PublishException}.
     *
     * @param bus the bus
     * @param topic the topic
     * @param envelope the envelope
     * @return the failure
     */
    protected final PublishException publishFailure(EventBus bus, String topic, Envelope envelope) {
        Throwable thrown = catchThrowable(() -> bus.publish(topic, envelope).toCompletableFuture()
                .get(timeout().toMillis(), MILLISECONDS));
        assertThat(thrown).isInstanceOf(ExecutionException.class).cause().isInstanceOf(PublishException.class);
        return (PublishException) thrown.getCause();
    }

    /** @return an Awaitility condition bounded by {@link #timeout()}, polling often */
    protected final ConditionFactory eventually() {
        return await().atMost(timeout()).pollInterval(Duration.ofMillis(10));
    }

    /** Records deliveries in arrival order. */
    private static final class Recorder implements EventHandler {
        final List<Delivery> deliveries = new CopyOnWriteArrayList<>();

        @Override
        public void handle(Delivery delivery) {
            deliveries.add(delivery);
        }

        int size() {
            return deliveries.size();
        }

        Delivery get(int i) {
            return deliveries.get(i);
        }

        List<String> ids() {
            return deliveries.stream().map(d -> d.envelope().id()).collect(Collectors.toList());
        }

        List<String> topics() {
            return deliveries.stream().map(Delivery::topic).collect(Collectors.toList());
        }
    }
}
