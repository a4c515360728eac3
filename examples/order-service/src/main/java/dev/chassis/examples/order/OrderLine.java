package dev.chassis.examples.order;

import static java.util.Objects.requireNonNull;

import java.math.BigDecimal;

/**
 * One line of an order.
 *
 * @param sku the stock-keeping unit
 * @param quantity how many units, positive
 * @param unitPrice the price of one unit, positive, at most two decimals
 */
public record OrderLine(String sku, int quantity, BigDecimal unitPrice) {
    /** Checks the fields are present; {@link PlaceOrder#validate()} checks their values. */
    public OrderLine {
        requireNonNull(sku, "sku");
        requireNonNull(unitPrice, "unitPrice");
    }

    /** @return quantity times unit price */
    public BigDecimal amount() {
        return unitPrice.multiply(BigDecimal.valueOf(quantity));
    }
}
