package dev.chassis.core.eventsourcing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class AggregateRootTest {
    @Test
    void aNewAggregateIsAtVersionZeroWithoutEvents() {
        // when
        Order order = new Order("1");

        // then
        assertThat(order.id()).isEqualTo("1");
        assertThat(order.version()).isZero();
        assertThat(order.uncommittedEvents()).isEmpty();
    }

    @Test
    void applyChangesTheStateAndRecordsTheEvent() {
        // given
        Order order = new Order("1");

        // when
        order.place("ada");
        order.addItem("book", 2, 1500);

        // then
        assertThat(order.status()).isEqualTo(Order.Status.PLACED);
        assertThat(order.totalCents()).isEqualTo(3000);
        assertThat(order.version()).isEqualTo(2);
        assertThat(order.uncommittedEvents()).containsExactly(new Order.Placed("ada", "EUR"),
                new Order.ItemAdded("book", 2, 1500));
    }

    @Test
    void aBrokenRuleRecordsNothing() {
        // given
        Order order = new Order("1");
        order.place("ada");

        // when / then
        assertThatThrownBy(() -> order.pay(100)).isInstanceOf(IllegalStateException.class)
                .hasMessage("order 1 costs 0, not 100");
        assertThat(order.version()).isEqualTo(1);
        assertThat(order.uncommittedEvents()).hasSize(1);
    }

    @Test
    void uncommittedEventsAreAnUnmodifiableCopy() {
        // given
        Order order = new Order("1");
        order.place("ada");

        // when
        var events = order.uncommittedEvents();
        order.cancel("changed my mind");

        // then
        assertThat(events).hasSize(1);
        assertThatThrownBy(() -> events.add("x")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void replayRejectsGapsInTheStream() {
        // given
        Order order = new Order("1");
        order.replay(new Order.Placed("ada", "EUR"), 1);

        // when / then
        assertThatThrownBy(() -> order.replay(new Order.Paid(0), 3)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cannot replay version 3 into 1 at version 1");
    }

    @Test
    void anIdIsRequired() {
        assertThatThrownBy(() -> new Order(" ")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("id must not be blank");
    }
}
