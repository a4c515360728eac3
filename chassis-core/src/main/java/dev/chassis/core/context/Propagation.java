package dev.chassis.core.context;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/** Carries a context into tasks: binding at wrap or submit time, restoring on the worker afterwards. */
@SuppressWarnings("try") // scopes are held for their effect, not referenced
final class Propagation {
    private Propagation() {}

    static Runnable bind(@Nullable CorrelationContext context, Runnable task) {
        return () -> {
            try (CorrelationScope scope = ScopeStack.open(context)) {
                task.run();
            }
        };
    }

    static <V> Callable<V> bind(@Nullable CorrelationContext context, Callable<V> task) {
        return () -> {
            try (CorrelationScope scope = ScopeStack.open(context)) {
                return task.call();
            }
        };
    }

    /** Binds to what is current on the calling (submitting) thread. */
    static Runnable capture(Runnable task) {
        return bind(ScopeStack.current(), requireNonNull(task, "task"));
    }

    static <V> Callable<V> capture(Callable<V> task) {
        return bind(ScopeStack.current(), requireNonNull(task, "task"));
    }

    static <V> List<Callable<V>> captureAll(Collection<? extends Callable<V>> tasks) {
        requireNonNull(tasks, "tasks");
        CorrelationContext context = ScopeStack.current();
        var bound = new ArrayList<Callable<V>>(tasks.size());
        for (Callable<V> task : tasks) {
            bound.add(bind(context, requireNonNull(task, "task")));
        }
        return bound;
    }

    static final class PropagatingExecutor implements Executor {
        private final Executor delegate;

        PropagatingExecutor(Executor delegate) {
            this.delegate = delegate;
        }

        @Override
        public void execute(Runnable command) {
            delegate.execute(capture(command));
        }
    }

    static final class PropagatingExecutorService implements ExecutorService {
        private final ExecutorService delegate;

        PropagatingExecutorService(ExecutorService delegate) {
            this.delegate = delegate;
        }

        @Override
        public void execute(Runnable command) {
            delegate.execute(capture(command));
        }

        @Override
        public Future<?> submit(Runnable task) {
            return delegate.submit(capture(task));
        }

        @Override
        public <T> Future<T> submit(Runnable task, T result) {
            return delegate.submit(capture(task), result);
        }

        @Override
        public <T> Future<T> submit(Callable<T> task) {
            return delegate.submit(capture(task));
        }

        @Override
        public <T> List<Future<T>> invokeAll(Collection<? extends Callable<T>> tasks) throws InterruptedException {
            return delegate.invokeAll(captureAll(tasks));
        }

        @Override
        public <T> List<Future<T>> invokeAll(Collection<? extends Callable<T>> tasks, long timeout, TimeUnit unit)
                throws InterruptedException {
            return delegate.invokeAll(captureAll(tasks), timeout, unit);
        }

        @Override
        public <T> T invokeAny(Collection<? extends Callable<T>> tasks) throws InterruptedException, ExecutionException {
            return delegate.invokeAny(captureAll(tasks));
        }

        @Override
        public <T> T invokeAny(Collection<? extends Callable<T>> tasks, long timeout, TimeUnit unit)
                throws InterruptedException, ExecutionException, TimeoutException {
            return delegate.invokeAny(captureAll(tasks), timeout, unit);
        }

        @Override
        public void shutdown() {
            delegate.shutdown();
        }

        @Override
        public List<Runnable> shutdownNow() {
            return delegate.shutdownNow();
        }

        @Override
        public boolean isShutdown() {
            return delegate.isShutdown();
        }

        @Override
        public boolean isTerminated() {
            return delegate.isTerminated();
        }

        @Override
        public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
            return delegate.awaitTermination(timeout, unit);
        }
    }
}
