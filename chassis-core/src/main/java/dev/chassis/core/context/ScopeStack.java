package dev.chassis.core.context;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread-local of this package: a stack of open scopes per thread. Emptied with
 * {@link ThreadLocal#remove()} when the last scope closes, so pooled threads keep nothing.
 */
final class ScopeStack {
    private static final Logger log = LoggerFactory.getLogger(CorrelationScope.class);
    private static final ThreadLocal<Frame> TOP = new ThreadLocal<>();

    private ScopeStack() {}

    /** Opens a scope; a {@code null} context makes "no context" current, hiding any outer one. */
    static CorrelationScope open(@Nullable CorrelationContext context) {
        Frame frame = new Frame(context, TOP.get(), Thread.currentThread());
        TOP.set(frame);
        return frame;
    }

    static @Nullable CorrelationContext current() {
        Frame top = TOP.get();
        return top == null ? null : top.context;
    }

    private static final class Frame implements CorrelationScope {
        private final @Nullable CorrelationContext context;
        private final @Nullable Frame parent;
        private final Thread owner;
        // only read and written by the owner thread
        private boolean closed;

        Frame(@Nullable CorrelationContext context, @Nullable Frame parent, Thread owner) {
            this.context = context;
            this.parent = parent;
            this.owner = owner;
        }

        @Override
        public void close() {
            if (Thread.currentThread() != owner) {
                throw new IllegalStateException("a correlation scope must be closed on the thread that opened it");
            }
            if (closed) {
                return;
            }
            closed = true;
            Frame top = TOP.get();
            if (top != this) {
                log.warn("correlation scope closed out of order; the innermost open scope stays current");
            }
            // pop every closed frame, so an outer scope closed early is dropped when its inner ones close
            while (top != null && top.closed) {
                top = top.parent;
            }
            if (top == null) {
                TOP.remove();
            } else {
                TOP.set(top);
            }
        }
    }
}
