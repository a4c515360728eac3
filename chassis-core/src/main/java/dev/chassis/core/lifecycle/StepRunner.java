package dev.chassis.core.lifecycle;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs shutdown steps with a time limit, abandoning (and interrupting) those that exceed it.
 * Immutable and thread-safe.
 */
final class StepRunner {
    private static final Logger log = LoggerFactory.getLogger(Lifecycle.class);

    private final Duration shutdownTimeout;
    private final Duration hookTimeout;

    StepRunner(Duration shutdownTimeout, Duration hookTimeout) {
        this.shutdownTimeout = shutdownTimeout;
        this.hookTimeout = hookTimeout;
    }

    /**
     * Runs one step on a thread of its own and waits for it until the hook timeout or
     * {@code deadline} ({@link System#nanoTime()}), whichever comes first.
     */
    ShutdownReport.Outcome run(ShutdownPhase phase, String name, LifecycleAction action, long deadline) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            log.warn("{} '{}' skipped: the shutdown deadline of {} ms has passed", phase, name,
                    shutdownTimeout.toMillis());
            return ShutdownReport.Outcome.SKIPPED;
        }
        long limit = Math.min(left, hookTimeout.toNanos());
        CompletableFuture<@Nullable Void> done = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                action.run();
                done.complete(null);
            } catch (Throwable e) {
                done.completeExceptionally(e);
            }
        }, "chassis-shutdown-" + name);
        thread.setDaemon(true);
        thread.start();
        try {
            done.get(limit, TimeUnit.NANOSECONDS);
            log.debug("{} '{}' done", phase, name);
            return ShutdownReport.Outcome.COMPLETED;
        } catch (ExecutionException e) {
            log.warn("{} '{}' failed", phase, name, e.getCause());
            return ShutdownReport.Outcome.FAILED;
        } catch (TimeoutException e) {
            log.warn("{} '{}' abandoned after {} ms", phase, name, TimeUnit.NANOSECONDS.toMillis(limit));
            thread.interrupt();
            return ShutdownReport.Outcome.TIMED_OUT;
        } catch (InterruptedException e) {
            // the shutdown thread itself was interrupted: abandon this step, keep the flag
            Thread.currentThread().interrupt();
            thread.interrupt();
            log.warn("{} '{}' abandoned: shutdown was interrupted", phase, name);
            return ShutdownReport.Outcome.TIMED_OUT;
        }
    }
}
