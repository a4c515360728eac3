package dev.chassis.core.eventsourcing;

import java.util.LinkedHashMap;
import java.util.Map;

/** The example aggregate of the tests: an order that is placed, gets items, and is paid or cancelled. */
final class Order extends AggregateRoot implements Snapshottable<Order.State> {
    /** Version 2: version 1 kept the items as a list of SKUs. */
    static final SnapshotType<State> STATE = SnapshotType.of("order.state", 2, State.class);

    /** Version 3; version 1 called the customer "buyer", version 2 had no currency. */
    record Placed(String customer, String currency) {
    }

    record ItemAdded(String sku, int quantity, long priceCents) {
    }

    record Paid(long amountCents) {
    }

    record Cancelled(String reason) {
    }

    record State(Status status, String customer, String currency, Map<String, Integer> items, long totalCents) {
    }

    enum Status { NEW, PLACED, PAID, CANCELLED }

    private Status status = Status.NEW;
    private String customer = "";
    private String currency = "";
    private final Map<String, Integer> items = new LinkedHashMap<>();
    private long totalCents;

    Order(String id) {
        super(id);
    }

    static EventTypes types() {
        return EventTypes.builder()
                .register(Placed.class, "order.placed", 3)
                .register(ItemAdded.class, "order.item-added")
                .register(Paid.class, "order.paid")
                .register(Cancelled.class, "order.cancelled")
                .upcaster("order.placed", 1, json -> {
                    json.put("customer", json.remove("buyer"));
                    return json;
                })
                .upcaster("order.placed", 2, json -> {
                    json.put("currency", "EUR");
                    return json;
                })
                .build();
    }

    void place(String customer) {
        require(status == Status.NEW, "is already placed");
        apply(new Placed(customer, "EUR"));
    }

    void addItem(String sku, int quantity, long priceCents) {
        require(status == Status.PLACED, "takes no items when " + status);
        require(quantity > 0, "needs a positive quantity");
        apply(new ItemAdded(sku, quantity, priceCents));
    }

    void pay(long amountCents) {
        require(status == Status.PLACED, "cannot be paid when " + status);
        require(amountCents == totalCents, "costs " + totalCents + ", not " + amountCents);
        apply(new Paid(amountCents));
    }

    void cancel(String reason) {
        require(status == Status.PLACED, "cannot be cancelled when " + status);
        apply(new Cancelled(reason));
    }

    long totalCents() {
        return totalCents;
    }

    Status status() {
        return status;
    }

    @Override
    protected void when(Object event) {
        if (event instanceof Placed p) {
            status = Status.PLACED;
            customer = p.customer();
            currency = p.currency();
        } else if (event instanceof ItemAdded i) {
            items.merge(i.sku(), i.quantity(), Integer::sum);
            totalCents += i.quantity() * i.priceCents();
        } else if (event instanceof Paid) {
            status = Status.PAID;
        } else if (event instanceof Cancelled) {
            status = Status.CANCELLED;
        } else {
            throw new IllegalArgumentException("Order has no event " + event.getClass().getName());
        }
    }

    @Override
    public SnapshotType<State> snapshotType() {
        return STATE;
    }

    @Override
    public State snapshot() {
        return new State(status, customer, currency, Map.copyOf(items), totalCents);
    }

    @Override
    public void restore(State state) {
        status = state.status();
        customer = state.customer();
        currency = state.currency();
        items.clear();
        items.putAll(state.items());
        totalCents = state.totalCents();
    }

    private void require(boolean rule, String broken) {
        if (!rule) {
            throw new IllegalStateException("order " + id() + " " + broken);
        }
    }
}
