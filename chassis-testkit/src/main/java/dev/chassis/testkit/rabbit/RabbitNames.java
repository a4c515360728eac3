package dev.chassis.testkit.rabbit;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;

/**
 * Unique exchange and queue names for one test (or one test class), all starting with
 * {@link #prefix()}. Every name handed out by {@link #queue} or {@link #exchange} is deleted from the
 * broker when the test ends, whether or not the test declared it. Instances are thread-safe.
 *
 * <pre>{@code
 * String queue = rabbit.names().queue("orders");         // test.OrderIT.3f9a0c1d.orders
 * String exchange = rabbit.names().exchange("events");   // test.OrderIT.3f9a0c1d.events
 * }</pre>
 */
public final class RabbitNames {
    private final String prefix;
    private final Object lock = new Object();
    private final List<String> queues = new ArrayList<>();
    private final List<String> exchanges = new ArrayList<>();

    RabbitNames(String prefix) {
        this.prefix = prefix;
    }

    /**
     * @return the start of every name handed out here, unique per test; also a good connection name
     *     for the test's clients, so {@link dev.chassis.testkit.fault.BrokerFaults} can close them
     */
    public String prefix() {
        return prefix;
    }

    /**
     * A queue name, deleted when the test ends.
     *
     * @param purpose what the queue is for; letters, digits, {@code .}, {@code -}, {@code _}
     * @return {@code <prefix>.<purpose>}
     */
    public String queue(String purpose) {
        String name = name(purpose);
        synchronized (lock) {
            queues.add(name);
        }
        return name;
    }

    /**
     * An exchange name, deleted when the test ends.
     *
     * @param purpose what the exchange is for; letters, digits, {@code .}, {@code -}, {@code _}
     * @return {@code <prefix>.<purpose>}
     */
    public String exchange(String purpose) {
        String name = name(purpose);
        synchronized (lock) {
            exchanges.add(name);
        }
        return name;
    }

    List<String> queues() {
        synchronized (lock) {
            return List.copyOf(queues);
        }
    }

    List<String> exchanges() {
        synchronized (lock) {
            return List.copyOf(exchanges);
        }
    }

    private String name(String purpose) {
        requireNonNull(purpose, "purpose");
        if (!purpose.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("purpose must be letters, digits, '.', '-' or '_', was '" + purpose + "'");
        }
        return prefix + "." + purpose;
    }

    /** @return the prefix of these names */
    @Override
    public String toString() {
        return "RabbitNames[" + prefix + "]";
    }
}
