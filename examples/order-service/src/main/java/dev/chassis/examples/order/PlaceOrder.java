package dev.chassis.examples.order;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The body of {@code POST /orders}, as the client sent it: every field may be missing until
 * {@link #validate()} says otherwise.
 *
 * <pre>{@code
 * {"customerId": "c-1", "shippingAddress": "1 Main St, Springfield",
 *  "lines": [{"sku": "SKU-1", "quantity": 2, "unitPrice": 19.90}]}
 * }</pre>
 *
 * @param customerId who orders, not blank
 * @param shippingAddress where it goes, not blank
 * @param lines at least one line and at most {@value #MAX_LINES}
 */
public record PlaceOrder(@Nullable String customerId, @Nullable String shippingAddress, @Nullable List<Line> lines) {
    /** The most lines an order may have. */
    public static final int MAX_LINES = 100;
    /** The most units of one line. */
    public static final int MAX_QUANTITY = 1_000;

    /**
     * One line as sent.
     *
     * @param sku not blank
     * @param quantity 1 to {@value PlaceOrder#MAX_QUANTITY}
     * @param unitPrice positive, at most two decimals
     */
    public record Line(@Nullable String sku, @Nullable Integer quantity, @Nullable BigDecimal unitPrice) {
    }

    /**
     * Checks every field.
     *
     * @return the problems by field (e.g. {@code lines[1].quantity}), in order; empty if the order is valid
     */
    public Map<String, String> validate() {
        Map<String, String> problems = new LinkedHashMap<>();
        if (customerId == null || customerId.isBlank()) {
            problems.put("customerId", "must not be blank");
        }
        if (shippingAddress == null || shippingAddress.isBlank()) {
            problems.put("shippingAddress", "must not be blank");
        }
        if (lines == null || lines.isEmpty()) {
            problems.put("lines", "must have at least one line");
            return problems;
        }
        if (lines.size() > MAX_LINES) {
            problems.put("lines", "must have at most " + MAX_LINES + " lines, has " + lines.size());
        }
        for (int i = 0; i < lines.size(); i++) {
            String field = "lines[" + i + "]";
            Line line = lines.get(i);
            if (line == null) {
                problems.put(field, "must not be null");
                continue;
            }
            if (line.sku() == null || line.sku().isBlank()) {
                problems.put(field + ".sku", "must not be blank");
            }
            if (line.quantity() == null || line.quantity() < 1 || line.quantity() > MAX_QUANTITY) {
                problems.put(field + ".quantity", "must be 1 to " + MAX_QUANTITY);
            }
            if (line.unitPrice() == null || line.unitPrice().signum() <= 0 || line.unitPrice().stripTrailingZeros().scale() > 2) {
                problems.put(field + ".unitPrice", "must be a positive amount with at most two decimals, e.g. 19.90");
            }
        }
        return problems;
    }

    /**
     * The lines, once {@link #validate()} found no problem.
     *
     * @return the lines with prices at two decimals
     * @throws IllegalStateException if the order is not valid
     */
    public List<OrderLine> orderLines() {
        if (!validate().isEmpty() || lines == null) {
            throw new IllegalStateException("the order is not valid: " + validate());
        }
        List<OrderLine> result = new ArrayList<>();
        for (Line line : lines) {
            result.add(new OrderLine(String.valueOf(line.sku()).strip(), line.quantity(),
                    line.unitPrice().setScale(2)));
        }
        return List.copyOf(result);
    }

    /**
     * The order's total, once {@link #validate()} found no problem.
     *
     * @return the sum of quantity times unit price, at two decimals
     * @throws IllegalStateException if the order is not valid
     */
    public BigDecimal total() {
        return orderLines().stream().map(OrderLine::amount).reduce(BigDecimal.ZERO, BigDecimal::add).setScale(2);
    }
}
