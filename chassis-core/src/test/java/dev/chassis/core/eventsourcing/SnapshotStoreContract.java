package dev.chassis.core.eventsourcing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What every {@link SnapshotStore} does; each implementation's test extends this. */
abstract class SnapshotStoreContract {
    /** The store under test, empty. */
    protected abstract SnapshotStore store();

    @Test
    void aStreamWithoutSnapshotHasNone() {
        assertThat(store().latest("order-1")).isEmpty();
    }

    @Test
    void keepsASnapshot() {
        // given
        Snapshot snapshot = new Snapshot("order-1", 10, "order.state", 2, "{\"status\":\"PAID\",\"total\":3}");

        // when
        boolean kept = store().save(snapshot);

        // then
        assertThat(kept).isTrue();
        Snapshot back = store().latest("order-1").orElseThrow();
        assertThat(back.version()).isEqualTo(10);
        assertThat(back.type()).isEqualTo("order.state");
        assertThat(back.typeVersion()).isEqualTo(2);
        assertThat(back.state()).contains("\"status\"", "\"PAID\"", "\"total\"");
    }

    @Test
    void aNewerSnapshotReplacesTheOlder() {
        // given
        store().save(new Snapshot("order-1", 10, "order.state", 1, "{\"v\":10}"));

        // when
        boolean kept = store().save(new Snapshot("order-1", 20, "order.state", 2, "{\"v\":20}"));

        // then
        assertThat(kept).isTrue();
        assertThat(store().latest("order-1").orElseThrow()).extracting(Snapshot::version, Snapshot::typeVersion)
                .containsExactly(20L, 2);
    }

    @Test
    void anOlderOrEqualSnapshotNeverReplacesTheNewer() {
        // given
        store().save(new Snapshot("order-1", 20, "order.state", 1, "{\"v\":20}"));

        // when
        boolean older = store().save(new Snapshot("order-1", 10, "order.state", 1, "{\"v\":10}"));
        boolean equal = store().save(new Snapshot("order-1", 20, "order.state", 1, "{\"v\":\"again\"}"));

        // then
        assertThat(older).isFalse();
        assertThat(equal).isFalse();
        assertThat(store().latest("order-1").orElseThrow().state()).contains("20");
    }

    @Test
    void streamsAreIndependent() {
        // given
        store().save(new Snapshot("order-1", 5, "order.state", 1, "{\"v\":1}"));

        // when
        store().save(new Snapshot("order-2", 3, "order.state", 1, "{\"v\":2}"));

        // then
        assertThat(store().latest("order-1").orElseThrow().version()).isEqualTo(5);
        assertThat(store().latest("order-2").orElseThrow().version()).isEqualTo(3);
    }
}
