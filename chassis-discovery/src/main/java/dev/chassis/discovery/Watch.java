package dev.chassis.discovery;

/** A running watch; closing it stops the notifications. */
public interface Watch extends AutoCloseable {
    /** Stops the watch; idempotent. */
    @Override
    void close();
}
