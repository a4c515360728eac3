package dev.chassis.core.bus;

/**
 * Controls the consumers of one subscription. Thread-safe.
 *
 * <p>{@link #pause()} stops taking new deliveries (in-flight ones finish); {@link #resume()} starts
 * again; {@link #close()} stops for good after in-flight deliveries finished. The queue and its
 * messages stay on the broker: another instance, or a later subscribe, picks them up.
 */
public interface SubscriptionHandle extends AutoCloseable {
    /** @return the subscription's queue */
    String queue();

    /** Stops taking new deliveries; deliveries already being handled finish. Idempotent. */
    void pause();

    /** Takes deliveries again after {@link #pause()}. Idempotent. */
    void resume();

    /** @return whether the consumers are paused */
    boolean isPaused();

    /** Stops the consumers for good, after in-flight deliveries finished. Idempotent. */
    @Override
    void close();
}
