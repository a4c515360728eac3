package dev.chassis.examples.order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlaceOrderTest {
    @Test
    void aCompleteOrderIsValidAndTotalsItsLinesInMinorUnitsExactly() {
        // given
        PlaceOrder order = new PlaceOrder("c-1", "1 Main St", List.of(
                new PlaceOrder.Line("SKU-1", 3, new BigDecimal("0.10")),
                new PlaceOrder.Line("SKU-2", 1, new BigDecimal("19.9"))));

        // when
        BigDecimal total = order.total();

        // then
        assertThat(order.validate()).isEmpty();
        assertThat(total).isEqualByComparingTo("20.20").hasScaleOf(2);
        assertThat(order.orderLines()).extracting(OrderLine::unitPrice)
                .containsExactly(new BigDecimal("0.10"), new BigDecimal("19.90"));
    }

    @Test
    void anEmptyOrderNamesTheMissingFields() {
        // when
        var problems = new PlaceOrder(null, " ", null).validate();

        // then
        assertThat(problems).containsExactly(
                java.util.Map.entry("customerId", "must not be blank"),
                java.util.Map.entry("shippingAddress", "must not be blank"),
                java.util.Map.entry("lines", "must have at least one line"));
    }

    @Test
    void eachBadLineIsNamedByItsIndex() {
        // given
        PlaceOrder order = new PlaceOrder("c-1", "1 Main St", List.of(
                new PlaceOrder.Line("SKU-1", 1, new BigDecimal("1.00")),
                new PlaceOrder.Line(null, 1001, new BigDecimal("-1"))));

        // when
        var problems = order.validate();

        // then
        assertThat(problems).containsOnlyKeys("lines[1].sku", "lines[1].quantity", "lines[1].unitPrice");
        assertThatThrownBy(order::total).isInstanceOf(IllegalStateException.class).hasMessageContaining("lines[1].sku");
    }

    @Test
    void pricesWithMoreThanTwoDecimalsAreRefusedUnlessTheExtraDigitsAreZeros() {
        // given
        PlaceOrder fine = new PlaceOrder("c", "a", List.of(new PlaceOrder.Line("S", 1, new BigDecimal("2.500"))));
        PlaceOrder tooFine = new PlaceOrder("c", "a", List.of(new PlaceOrder.Line("S", 1, new BigDecimal("2.505"))));

        // then
        assertThat(fine.validate()).isEmpty();
        assertThat(tooFine.validate()).containsOnlyKeys("lines[0].unitPrice");
    }
}
