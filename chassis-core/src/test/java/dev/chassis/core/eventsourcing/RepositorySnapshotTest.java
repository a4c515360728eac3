package dev.chassis.core.eventsourcing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RepositorySnapshotTest {
    private final RepositoryProbeStore store = new RepositoryProbeStore();
    private final InMemorySnapshotStore snapshots = new InMemorySnapshotStore();
    private final Repository<Order> orders = repository(snapshots);
    private final Repository<Order> withoutSnapshots = Repository.builder(Order.class, Order::new).eventStore(store)
            .eventTypes(Order.types()).streamPrefix("order-").build();

    @Test
    void loadsTheLatestSnapshotAndReplaysOnlyLaterEvents() {
        // given an order of 8 events, saved at versions 2, 4, 7 and 8, with a snapshot every 3 events
        Order order = new Order("42");
        order.place("ada");
        order.addItem("a", 1, 100);
        orders.save(order);
        order.addItem("b", 1, 100);
        order.addItem("c", 1, 100);
        orders.save(order);
        order.addItem("d", 1, 100);
        order.addItem("e", 1, 100);
        order.addItem("f", 1, 100);
        orders.save(order);
        order.addItem("g", 1, 100);
        orders.save(order);
        store.reads.clear();

        // when
        Order loaded = orders.load("42").orElseThrow();

        // then the snapshot at 7 (the last save that passed a multiple of 3) was used
        assertThat(snapshots.latest("order-42").orElseThrow().version()).isEqualTo(7);
        assertThat(store.reads).containsExactly(new RepositoryProbeStore.Read("order-42", 8, 1));
        assertThat(loaded.version()).isEqualTo(8);
        assertThat(loaded.snapshot()).isEqualTo(order.snapshot())
                .isEqualTo(withoutSnapshots.load("42").orElseThrow().snapshot());
    }

    @Test
    void anAggregateLoadedFromASnapshotSavesAtTheRightVersion() {
        // given
        Order order = new Order("42");
        order.place("ada");
        order.addItem("a", 2, 100);
        order.addItem("b", 1, 100);
        orders.save(order);

        // when
        orders.update("42", o -> o.pay(300));

        // then
        assertThat(store.delegate.version("order-42")).isEqualTo(4);
        assertThat(orders.load("42").orElseThrow().status()).isEqualTo(Order.Status.PAID);
    }

    @Test
    void noSnapshotBeforeTheFirstMultiple() {
        // given
        Order order = new Order("42");
        order.place("ada");
        order.addItem("a", 1, 100);

        // when
        orders.save(order);

        // then
        assertThat(snapshots.latest("order-42")).isEmpty();
    }

    @Test
    void aSnapshotOfAnOldStateVersionIsIgnored() {
        // given a snapshot that release 1 wrote (items as a list), and 4 events
        Order order = new Order("42");
        order.place("ada");
        order.addItem("a", 1, 100);
        withoutSnapshots.save(order);
        order.addItem("b", 2, 100);
        order.cancel("no stock");
        withoutSnapshots.save(order);
        snapshots.save(new Snapshot("order-42", 3, "order.state", 1,
                "{\"status\":\"PLACED\",\"customer\":\"ada\",\"items\":[\"a\",\"b\"]}"));
        store.reads.clear();

        // when
        Order loaded = orders.load("42").orElseThrow();

        // then all events were replayed
        assertThat(store.reads).containsExactly(new RepositoryProbeStore.Read("order-42", 1, 4));
        assertThat(loaded.snapshot()).isEqualTo(new Order.State(Order.Status.CANCELLED, "ada", "EUR",
                Map.of("a", 1, "b", 2), 300));
    }

    @Test
    void aSnapshotThatCannotBeReadIsIgnored() {
        // given
        Order order = new Order("42");
        order.place("ada");
        withoutSnapshots.save(order);
        snapshots.save(new Snapshot("order-42", 1, "order.state", 2, "{\"items\":5}"));

        // when
        Order loaded = orders.load("42").orElseThrow();

        // then
        assertThat(loaded.snapshot()).isEqualTo(new Order.State(Order.Status.PLACED, "ada", "EUR", Map.of(), 0));
        assertThat(store.reads).extracting(RepositoryProbeStore.Read::fromVersion).containsExactly(1L);
    }

    @Test
    void aSnapshotWhoseRestoreFailsHalfwayLeavesNoTrace() {
        // given a matching snapshot without items: restore sets the status, then fails on the items
        Order order = new Order("42");
        order.place("ada");
        withoutSnapshots.save(order);
        snapshots.save(new Snapshot("order-42", 1, "order.state", 2,
                "{\"status\":\"PAID\",\"customer\":\"mallory\",\"currency\":\"EUR\",\"totalCents\":5}"));

        // when
        Order loaded = orders.load("42").orElseThrow();

        // then a fresh instance was replayed from the first event
        assertThat(loaded.snapshot()).isEqualTo(new Order.State(Order.Status.PLACED, "ada", "EUR", Map.of(), 0));
        assertThat(loaded.version()).isEqualTo(1);
    }

    @Test
    void aFailingSnapshotStoreFailsNeitherSaveNorLoad() {
        // given
        AtomicInteger attempts = new AtomicInteger();
        Repository<Order> broken = repository(new SnapshotStore() {
            @Override
            public Optional<Snapshot> latest(String stream) {
                throw new IllegalStateException("snapshot table is gone");
            }

            @Override
            public boolean save(Snapshot snapshot) {
                attempts.incrementAndGet();
                throw new IllegalStateException("snapshot table is gone");
            }
        });
        Order order = new Order("42");
        order.place("ada");
        order.addItem("a", 1, 100);
        order.addItem("b", 1, 100);

        // when
        broken.save(order);
        Order loaded = broken.load("42").orElseThrow();

        // then
        assertThat(attempts).hasValue(1);
        assertThat(store.delegate.version("order-42")).isEqualTo(3);
        assertThat(order.uncommittedEvents()).isEmpty();
        assertThat(loaded.snapshot()).isEqualTo(order.snapshot());
    }

    private Repository<Order> repository(SnapshotStore snapshotStore) {
        return Repository.builder(Order.class, Order::new).eventStore(store).eventTypes(Order.types())
                .streamPrefix("order-").snapshots(snapshotStore, 3).build();
    }
}
