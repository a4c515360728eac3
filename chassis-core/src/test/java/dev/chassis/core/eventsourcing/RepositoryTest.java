package dev.chassis.core.eventsourcing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chassis.core.context.CorrelationContext;
import dev.chassis.core.context.CorrelationScope;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RepositoryTest {
    private final RepositoryProbeStore store = new RepositoryProbeStore();
    private final Repository<Order> orders = Repository.builder(Order.class, Order::new)
            .eventStore(store)
            .eventTypes(Order.types())
            .streamPrefix("order-")
            .build();

    @Test
    void loadingAnUnknownIdFindsNothing() {
        assertThat(orders.load("404")).isEmpty();
    }

    @Test
    void aReplayedAggregateEqualsTheLiveOne() {
        // given
        Order live = new Order("42");
        live.place("ada");
        live.addItem("book", 2, 1500);
        orders.save(live);
        live.addItem("pen", 3, 200);
        live.pay(3600);
        orders.save(live);

        // when
        Order replayed = orders.load("42").orElseThrow();

        // then
        assertThat(replayed.snapshot()).isEqualTo(live.snapshot());
        assertThat(replayed.version()).isEqualTo(live.version()).isEqualTo(4);
        assertThat(replayed.uncommittedEvents()).isEmpty();
        assertThat(live.uncommittedEvents()).isEmpty();
        assertThat(store.delegate.read("order-42")).extracting(RecordedEvent::type)
                .containsExactly("order.placed", "order.item-added", "order.item-added", "order.paid");
    }

    @Test
    @SuppressWarnings("try") // the scope is held for its effect
    void savedEventsCarryTheCurrentCorrelationAndCausation() {
        // given
        Order order = new Order("42");
        order.place("ada");

        // when
        try (CorrelationScope scope = CorrelationContext.of("corr-1", "msg-7").makeCurrent()) {
            orders.save(order);
        }
        order.cancel("no stock");
        orders.save(order);

        // then
        List<RecordedEvent> stored = store.delegate.read("order-42");
        assertThat(stored.get(0).metadata()).containsOnly(
                Map.entry(Repository.CORRELATION_ID, "corr-1"), Map.entry(Repository.CAUSATION_ID, "msg-7"));
        assertThat(stored.get(1).metadata()).isEmpty();
        assertThat(stored.get(0).typeVersion()).isEqualTo(3);
    }

    @Test
    void aSecondNewAggregateWithTheSameIdIsAConflict() {
        // given
        Order first = new Order("42");
        first.place("ada");
        orders.save(first);
        Order second = new Order("42");
        second.place("bob");

        // when / then
        assertThatThrownBy(() -> orders.save(second)).isInstanceOf(ConcurrencyException.class)
                .hasMessageContaining("stream 'order-42' is at version 1, the append expected no stream");
        assertThat(second.uncommittedEvents()).hasSize(1);
        assertThat(orders.load("42").orElseThrow().snapshot().customer()).isEqualTo("ada");
    }

    @Test
    void ofTwoWritersOfTheSameVersionOnlyTheFirstSaves() {
        // given
        Order created = new Order("42");
        created.place("ada");
        created.addItem("book", 1, 1000);
        orders.save(created);
        Order payer = orders.load("42").orElseThrow();
        Order canceller = orders.load("42").orElseThrow();

        // when
        payer.pay(1000);
        orders.save(payer);
        canceller.cancel("too slow");

        // then
        assertThatThrownBy(() -> orders.save(canceller)).isInstanceOf(ConcurrencyException.class)
                .satisfies(e -> {
                    ConcurrencyException c = (ConcurrencyException) e;
                    assertThat(c.stream()).isEqualTo("order-42");
                    assertThat(c.expected()).isEqualTo(ExpectedVersion.exactly(2));
                    assertThat(c.actual()).isEqualTo(3);
                });
        assertThat(orders.load("42").orElseThrow().status()).isEqualTo(Order.Status.PAID);
    }

    @Test
    void savingWithoutNewEventsAppendsNothing() {
        // given
        Order order = new Order("42");
        order.place("ada");
        orders.save(order);

        // when
        orders.save(order);
        orders.save(orders.load("42").orElseThrow());

        // then
        assertThat(store.appends).hasValue(1);
    }

    @Test
    void anEventOfAnUnregisteredClassAppendsNothing() {
        // given
        Repository<Order> partial = Repository.builder(Order.class, Order::new).eventStore(store)
                .eventTypes(EventTypes.builder().register(Order.Placed.class, "order.placed", 3).build())
                .streamPrefix("order-").build();
        Order order = new Order("42");
        order.place("ada");
        order.addItem("book", 1, 1000);

        // when / then
        assertThatThrownBy(() -> partial.save(order)).isInstanceOf(EventTypesException.class)
                .hasMessageContaining("cannot encode a " + Order.ItemAdded.class.getName());
        assertThat(store.delegate.version("order-42")).isZero();
        assertThat(order.uncommittedEvents()).hasSize(2);
    }

    @Test
    void updateRetriesWhenAnotherWriterWins() {
        // given an order, and another writer that adds an item just before our first append
        Order order = new Order("42");
        order.place("ada");
        orders.save(order);
        AtomicInteger interference = new AtomicInteger();
        store.beforeAppend(stream -> {
            if (interference.getAndIncrement() == 0) {
                Order other = orders.load("42").orElseThrow();
                other.addItem("pen", 1, 200);
                orders.save(other);
            }
        });
        AtomicInteger runs = new AtomicInteger();

        // when
        Order updated = orders.update("42", o -> {
            runs.incrementAndGet();
            o.addItem("book", 1, 1000);
        });

        // then the command ran again on the reloaded order and both items are in
        assertThat(runs).hasValue(2);
        assertThat(store.conflicts).hasValue(1);
        assertThat(updated.totalCents()).isEqualTo(1200);
        assertThat(orders.load("42").orElseThrow().snapshot()).isEqualTo(updated.snapshot());
    }

    @Test
    void updateGivesUpAfterMaxAttempts() {
        // given a writer that always gets there first
        Repository<Order> twice = Repository.builder(Order.class, Order::new).eventStore(store)
                .eventTypes(Order.types()).streamPrefix("order-").maxAttempts(2).build();
        Order order = new Order("42");
        order.place("ada");
        orders.save(order);
        store.beforeAppend(stream -> store.delegate.append(stream, ExpectedVersion.any(),
                List.of(Order.types().encode(new Order.ItemAdded("pen", 1, 200)))));
        AtomicInteger runs = new AtomicInteger();

        // when / then
        assertThatThrownBy(() -> twice.update("42", o -> {
            runs.incrementAndGet();
            o.addItem("book", 1, 1000);
        })).isInstanceOf(ConcurrencyException.class)
                .satisfies(e -> assertThat(e.getSuppressed()).singleElement().isInstanceOf(ConcurrencyException.class));
        assertThat(runs).hasValue(2);
        assertThat(store.conflicts).hasValue(2);
    }

    @Test
    void updateOfAMissingAggregateSaysWhatIsMissing() {
        assertThatThrownBy(() -> orders.update("404", o -> o.cancel("x"))).isInstanceOf(NoSuchElementException.class)
                .hasMessage("Order '404' does not exist: stream 'order-404' has no events");
    }

    @Test
    void aFailingCommandSavesNothingAndIsNotRetried() {
        // given
        Order order = new Order("42");
        order.place("ada");
        orders.save(order);

        // when / then
        assertThatThrownBy(() -> orders.update("42", o -> o.pay(500))).isInstanceOf(IllegalStateException.class)
                .hasMessage("order 42 costs 0, not 500");
        assertThat(store.delegate.version("order-42")).isEqualTo(1);
    }

    @Test
    void concurrentUpdatesLoseNothing() throws Exception {
        // given
        int writers = 4;
        int updatesEach = 50;
        Repository<Order> patient = Repository.builder(Order.class, Order::new).eventStore(store)
                .eventTypes(Order.types()).streamPrefix("order-").maxAttempts(1_000).build();
        Order order = new Order("42");
        order.place("ada");
        patient.save(order);
        ExecutorService pool = Executors.newFixedThreadPool(writers);

        // when
        List<Future<?>> done = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            String sku = "sku-" + w;
            done.add(pool.submit(() -> {
                for (int i = 0; i < updatesEach; i++) {
                    patient.update("42", o -> o.addItem(sku, 1, 1));
                }
            }));
        }
        for (Future<?> f : done) {
            f.get(30, TimeUnit.SECONDS);
        }
        pool.shutdown();

        // then
        Order loaded = patient.load("42").orElseThrow();
        long expected = (long) writers * updatesEach;
        long lost = expected - loaded.totalCents();
        System.out.printf("writers=%d updates=%d appended=%d conflicts=%d lost=%d%n", writers, expected,
                loaded.version() - 1, store.conflicts.get(), lost);
        assertThat(lost).isZero();
        assertThat(loaded.version()).isEqualTo(expected + 1);
    }

    @Test
    void theBuilderSaysWhatIsMissing() {
        assertThatThrownBy(() -> Repository.builder(Order.class, Order::new).eventStore(store).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("a repository of Order needs eventTypes(...) streamPrefix(...) before build()");
    }

    @Test
    void snapshotsNeedASnapshottableAggregate() {
        assertThatThrownBy(() -> Repository.builder(Plain.class, Plain::new).eventStore(store)
                .eventTypes(Order.types()).streamPrefix("plain-").snapshots(new InMemorySnapshotStore(), 10).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("does not implement Snapshottable");
    }

    @Test
    void theFactoryMustMakeABlankAggregateWithTheGivenId() {
        // given
        Order order = new Order("42");
        order.place("ada");
        orders.save(order);
        Repository<Order> wrong = Repository.builder(Order.class, id -> new Order("x" + id)).eventStore(store)
                .eventTypes(Order.types()).streamPrefix("order-").build();

        // when / then
        assertThatThrownBy(() -> wrong.load("42")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("must return a blank aggregate with the given id '42', got id 'x42'");
    }

    /** An aggregate without snapshots. */
    static final class Plain extends AggregateRoot {
        Plain(String id) {
            super(id);
        }

        @Override
        protected void when(Object event) {
        }
    }
}
