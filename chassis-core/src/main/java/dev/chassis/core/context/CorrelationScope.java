package dev.chassis.core.context;

/**
 * The period during which a {@link CorrelationContext} is current on one thread, opened by
 * {@link CorrelationContext#makeCurrent()} and ended by {@link #close()}, which restores the context
 * that was current before.
 *
 * <p>Scopes nest. Closing twice does nothing. Closing out of order is harmless and logged as a
 * warning: the context stays that of the innermost scope still open, and once all inner scopes are
 * closed the context from before the outer scope is back. A scope belongs to the thread that opened
 * it; instances are not thread-safe and must be closed on that thread.
 *
 * <pre>{@code
 * try (CorrelationScope scope = ctx.makeCurrent()) {
 *     handle(message);
 * }
 * }</pre>
 */
public interface CorrelationScope extends AutoCloseable {
    /**
     * Ends this scope and restores the previous context on this thread.
     *
     * @throws IllegalStateException if called on another thread than the one that opened the scope
     */
    @Override
    void close();
}
