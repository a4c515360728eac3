package dev.chassis.examples.inventory;

import static java.util.Objects.requireNonNull;

/**
 * A quantity of one SKU, as ordered and as reserved.
 *
 * @param sku the stock-keeping unit, not blank
 * @param quantity how many units, positive
 */
public record StockLine(String sku, int quantity) {
    /**
     * Checks the line.
     *
     * @throws IllegalArgumentException if the SKU is blank or the quantity not positive
     */
    public StockLine {
        requireNonNull(sku, "sku");
        if (sku.isBlank()) {
            throw new IllegalArgumentException("sku must not be blank");
        }
        if (quantity <= 0) {
            throw new IllegalArgumentException("quantity of " + sku + " must be positive, was " + quantity);
        }
    }
}
