package dev.chassis.core.lifecycle;

/**
 * A start, stop or shutdown step. Called from the lifecycle's threads: starts on the thread that
 * calls {@link Lifecycle#start()}, stops and shutdown hooks each on a thread of their own, so that
 * one that hangs can be abandoned. Implementations must be safe to call from any thread.
 *
 * <pre>{@code
 * LifecycleAction closePool = dataSource::close;
 * }</pre>
 */
@FunctionalInterface
public interface LifecycleAction {
    /**
     * Performs the step. A shutdown hook should react to interruption: it is interrupted when
     * abandoned.
     *
     * @throws Exception any failure; logged, and for a start rethrown as a {@link LifecycleException}
     */
    void run() throws Exception;
}
