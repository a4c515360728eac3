package dev.chassis.messaging;

/**
 * Observes the connections and channels of a {@link RabbitEventBus}: losses, recoveries, replaced
 * channels and restarted consumers. Every method has a no-op default, so implement only what you need.
 *
 * <p>Methods are called on the AMQP client's connection threads or on the bus's supervisor thread;
 * they must return quickly and must not block or call back into the bus. An exception thrown by a
 * listener is logged and ignored. Implementations must be thread-safe.
 *
 * <pre>{@code
 * RabbitEventBus.builder().connectionListener(new RabbitConnectionListener() {
 *     public void onConnectionLost(String connection, String reason) { log.warn("{} lost: {}", connection, reason); }
 * })
 * }</pre>
 */
public interface RabbitConnectionListener {
    /**
     * A connection was opened for the first time.
     *
     * @param connection the connection's name, e.g. {@code orders-publish}
     */
    default void onConnected(String connection) {
    }

    /**
     * A connection closed without being asked to; automatic recovery starts.
     *
     * @param connection the connection's name
     * @param reason the broker's or the network's reason
     */
    default void onConnectionLost(String connection, String reason) {
    }

    /**
     * A connection and its topology (exchanges, queues, bindings, consumers) were recovered.
     *
     * @param connection the connection's name
     */
    default void onRecovered(String connection) {
    }

    /**
     * One recovery attempt failed; another follows after the recovery interval.
     *
     * @param connection the connection's name
     * @param reason what failed
     */
    default void onRecoveryFailed(String connection, String reason) {
    }

    /**
     * A channel was closed by a channel-level error (for example a publish to a missing exchange) and
     * was replaced.
     *
     * @param purpose what the channel was for, e.g. {@code publish} or a queue name
     * @param reason the broker's reply text
     */
    default void onChannelReplaced(String purpose, String reason) {
    }

    /**
     * The broker cancelled a consumer (for example because its queue was deleted).
     *
     * @param queue the subscription's queue
     */
    default void onConsumerCancelled(String queue) {
    }

    /**
     * A consumer was started again after its channel failed or the broker cancelled it; its queue
     * topology was declared again first.
     *
     * @param queue the subscription's queue
     */
    default void onConsumerRestarted(String queue) {
    }
}
