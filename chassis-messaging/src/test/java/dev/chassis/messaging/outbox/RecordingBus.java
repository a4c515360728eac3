package dev.chassis.messaging.outbox;

import dev.chassis.core.bus.DeadLetters;
import dev.chassis.core.bus.EventBus;
import dev.chassis.core.bus.PublishException;
import dev.chassis.core.bus.Subscription;
import dev.chassis.core.bus.SubscriptionHandle;
import dev.chassis.core.envelope.Envelope;
import dev.chassis.messaging.InMemoryEventBus;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * An in-memory bus whose publishes fail while a test says so, with one subscriber on {@code #} that
 * records every delivered envelope in delivery order: what consumers saw.
 */
final class RecordingBus implements EventBus {
    private final InMemoryEventBus delegate = InMemoryEventBus.create();
    private final List<Envelope> delivered = new CopyOnWriteArrayList<>();
    private volatile Predicate<Envelope> failing = e -> false;
    private volatile Predicate<Envelope> refusing = e -> false;
    private volatile boolean holding;
    private final List<Runnable> held = new CopyOnWriteArrayList<>();

    RecordingBus() {
        delegate.subscribe(Subscription.builder("outbox-test.all").topic("#")
                .handler(d -> delivered.add(d.envelope())).build());
    }

    /** Publishes of envelopes matching the predicate fail as if the broker were down. */
    void failWhen(Predicate<Envelope> predicate) {
        failing = predicate;
    }

    /** Publishes of envelopes matching the predicate are returned as unroutable, as if no queue were bound. */
    void refuseWhen(Predicate<Envelope> predicate) {
        refusing = predicate;
    }

    /** Publishes are held unconfirmed, as by a slow broker, until {@link #release()}. */
    void hold() {
        holding = true;
    }

    /** Publishes held so far and from now on go through. */
    void release() {
        holding = false;
        held.forEach(Runnable::run);
        held.clear();
    }

    /** How many publishes wait for their confirm. */
    int heldCount() {
        return held.size();
    }

    void heal() {
        failing = e -> false;
        refusing = e -> false;
    }

    List<Envelope> delivered() {
        return List.copyOf(delivered);
    }

    List<String> deliveredTexts() {
        return delivered.stream().map(Envelope::dataText).collect(Collectors.toList());
    }

    /** Deliveries per envelope id: 1 everywhere means no duplicates. */
    Map<String, Long> countsById() {
        Map<String, Long> counts = new ConcurrentHashMap<>();
        delivered.forEach(e -> counts.merge(e.id(), 1L, Long::sum));
        return counts;
    }

    @Override
    public CompletionStage<Void> publish(String topic, Envelope envelope) {
        if (failing.test(envelope)) {
            return CompletableFuture.failedFuture(new PublishException(PublishException.Reason.BROKER_UNAVAILABLE,
                    topic, envelope.id(), "test says the broker is down", null));
        }
        if (refusing.test(envelope)) {
            return CompletableFuture.failedFuture(new PublishException(PublishException.Reason.UNROUTABLE,
                    topic, envelope.id(), "test says no queue is bound", null));
        }
        if (holding) {
            CompletableFuture<Void> confirm = new CompletableFuture<>();
            held.add(() -> delegate.publish(topic, envelope).whenComplete((ok, error) -> {
                if (error == null) {
                    confirm.complete(null);
                } else {
                    confirm.completeExceptionally(error);
                }
            }));
            return confirm;
        }
        return delegate.publish(topic, envelope);
    }

    @Override
    public SubscriptionHandle subscribe(Subscription subscription) {
        return delegate.subscribe(subscription);
    }

    @Override
    public DeadLetters deadLetters() {
        return delegate.deadLetters();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
