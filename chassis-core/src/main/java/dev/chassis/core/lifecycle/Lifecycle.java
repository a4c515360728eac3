package dev.chassis.core.lifecycle;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts components in order and shuts the service down gracefully.
 *
 * <p>{@link #start()} starts the {@linkplain #add(LifecycleComponent) components} in the order
 * added. If one fails, the ones already started are stopped in reverse order and a
 * {@link LifecycleException} naming the failing component is thrown.
 *
 * <p>{@link #shutdown()} runs the shutdown sequence once: the hooks of each {@link ShutdownPhase} in
 * phase order ({@code READINESS_DOWN}, {@code DEREGISTER}, {@code DRAIN}, {@code CLOSE}); in
 * {@code CLOSE} the started components are stopped in reverse order before that phase's hooks. Each
 * step runs on a thread of its own and may take at most the
 * {@linkplain Builder#hookTimeout(Duration) hook timeout} (default 10 s) and what is left of the
 * {@linkplain Builder#shutdownTimeout(Duration) overall deadline} (default 30 s); a step that takes
 * longer is abandoned (logged, interrupted) and the sequence goes on, and steps that find the
 * deadline passed are skipped, so shutdown always finishes. Calling {@code shutdown()} again, or
 * from several threads at once, runs the sequence once; every caller gets the same report.
 * {@link #installShutdownHook()} runs it when the JVM is asked to exit (SIGTERM, SIGINT,
 * {@code System.exit}).
 *
 * <p>Deadlines are measured with {@link System#nanoTime()}, not a {@link java.time.Clock}: they bound
 * real waiting, which a wall clock that jumps must not stretch. A hook must not call
 * {@code shutdown()} itself: it would wait for the sequence that waits for it, until its timeout.
 *
 * <p>Instances are thread-safe; create one per process and pass it to the modules that register
 * hooks.
 *
 * <pre>{@code
 * Lifecycle lifecycle = Lifecycle.ofDefaults();
 * lifecycle.add(LifecycleComponent.of("admin-server", admin::start, admin::close));
 * lifecycle.onShutdown(ShutdownPhase.READINESS_DOWN, "readiness", health::markShuttingDown);
 * lifecycle.onShutdown(ShutdownPhase.DRAIN, "orders-consumer", consumer::drain);
 * lifecycle.onShutdown(ShutdownPhase.CLOSE, "db-pool", dataSource::close);
 * lifecycle.installShutdownHook().start();
 * }</pre>
 */
public final class Lifecycle {
    private static final Logger log = LoggerFactory.getLogger(Lifecycle.class);

    private enum State { NEW, STARTING, RUNNING, FAILED }

    private record Hook(String name, LifecycleAction action) {}

    private final Duration shutdownTimeout;
    private final StepRunner steps;
    private final Object lock = new Object();
    private final List<LifecycleComponent> components = new ArrayList<>();
    private final List<LifecycleComponent> started = new ArrayList<>();
    private final Map<ShutdownPhase, List<Hook>> hooks = new EnumMap<>(ShutdownPhase.class);
    private State state = State.NEW;
    private @Nullable CompletableFuture<ShutdownReport> shutdown;
    private boolean closing;
    private @Nullable Thread jvmHook;

    private Lifecycle(Builder builder) {
        this.shutdownTimeout = builder.shutdownTimeout;
        this.steps = new StepRunner(builder.shutdownTimeout, builder.hookTimeout);
        for (ShutdownPhase phase : ShutdownPhase.values()) {
            hooks.put(phase, new ArrayList<>());
        }
    }

    /**
     * A lifecycle with the defaults: overall shutdown deadline 30 s, 10 s per hook.
     *
     * @return a new lifecycle
     */
    public static Lifecycle ofDefaults() {
        return builder().build();
    }

    /**
     * A builder with the defaults of {@link #ofDefaults()}.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Adds a component, to be started after those added before it and stopped before them.
     *
     * @param component the component; its name must be unique in this lifecycle
     * @return this lifecycle
     * @throws IllegalStateException if {@link #start()} or {@link #shutdown()} was called already
     */
    public Lifecycle add(LifecycleComponent component) {
        requireNonNull(component, "component");
        String name = requireNonNull(component.name(), "component.name()");
        synchronized (lock) {
            if (state != State.NEW || shutdown != null) {
                throw new IllegalStateException("cannot add component '" + name + "': the lifecycle was started");
            }
            if (components.stream().anyMatch(c -> c.name().equals(name))) {
                throw new IllegalArgumentException("duplicate component name '" + name + "'");
            }
            components.add(component);
        }
        return this;
    }

    /**
     * Adds a shutdown hook to a phase; hooks of a phase run in the order added.
     *
     * @param phase the phase
     * @param name the hook's name, for logs and the report; unique within the phase
     * @param hook what to do
     * @return this lifecycle
     * @throws IllegalStateException if the shutdown sequence has begun
     */
    public Lifecycle onShutdown(ShutdownPhase phase, String name, LifecycleAction hook) {
        requireNonNull(phase, "phase");
        requireNonNull(name, "name");
        requireNonNull(hook, "hook");
        if (name.isBlank()) {
            throw new IllegalArgumentException("name must not be blank");
        }
        synchronized (lock) {
            if (shutdown != null) {
                throw new IllegalStateException("cannot add shutdown hook '" + name + "': shutdown has begun");
            }
            List<Hook> phaseHooks = hooks.get(phase);
            if (phaseHooks.stream().anyMatch(h -> h.name().equals(name))) {
                throw new IllegalArgumentException("duplicate shutdown hook '" + name + "' in phase " + phase);
            }
            phaseHooks.add(new Hook(name, hook));
        }
        return this;
    }

    /**
     * Runs {@link #shutdown()} when the JVM is asked to exit (SIGTERM, SIGINT, {@code System.exit}).
     * Calling it again does nothing.
     *
     * @return this lifecycle
     */
    public Lifecycle installShutdownHook() {
        synchronized (lock) {
            if (jvmHook == null) {
                Thread thread = new Thread(this::shutdown, "chassis-shutdown");
                Runtime.getRuntime().addShutdownHook(thread);
                jvmHook = thread;
            }
        }
        return this;
    }

    /** The thread registered with the JVM, for tests. */
    @Nullable Thread jvmHook() {
        synchronized (lock) {
            return jvmHook;
        }
    }

    /**
     * Starts the components in the order added, on the calling thread.
     *
     * @throws LifecycleException naming the component that failed, after stopping the ones started
     *     before it in reverse order; also when shutdown began while starting
     * @throws IllegalStateException if called twice
     */
    public void start() {
        List<LifecycleComponent> toStart;
        synchronized (lock) {
            if (state != State.NEW) {
                throw new IllegalStateException("the lifecycle was already started");
            }
            if (shutdown != null) {
                throw new IllegalStateException("the lifecycle was shut down; it cannot start");
            }
            state = State.STARTING;
            toStart = List.copyOf(components);
        }
        for (LifecycleComponent component : toStart) {
            synchronized (lock) {
                if (closing || shutdown != null) {
                    state = State.FAILED;
                    throw new LifecycleException(component.name(),
                            "shutdown began before component '" + component.name() + "' started", null);
                }
            }
            try {
                component.start();
            } catch (Exception e) {
                LifecycleException failure = new LifecycleException(component.name(),
                        "component '" + component.name() + "' failed to start: " + e, e);
                rollBack();
                synchronized (lock) {
                    state = State.FAILED;
                }
                throw failure;
            }
            boolean lateForShutdown;
            synchronized (lock) {
                lateForShutdown = closing;
                if (!lateForShutdown) {
                    started.add(component);
                }
            }
            if (lateForShutdown) {
                steps.run(ShutdownPhase.CLOSE, component.name(), component::stop, deadlineFromNow());
                synchronized (lock) {
                    state = State.FAILED;
                }
                throw new LifecycleException(component.name(),
                        "shutdown began while component '" + component.name() + "' was starting", null);
            }
            log.info("started {}", component.name());
        }
        synchronized (lock) {
            state = State.RUNNING;
        }
    }

    /**
     * Runs the shutdown sequence, or waits for the run already in progress, and reports what
     * happened. Returns within about the overall deadline however the hooks behave.
     *
     * @return the report of the one run of the sequence
     */
    public ShutdownReport shutdown() {
        CompletableFuture<ShutdownReport> mine;
        synchronized (lock) {
            if (shutdown != null) {
                mine = null;
            } else {
                shutdown = new CompletableFuture<>();
                mine = shutdown;
            }
        }
        if (mine == null) {
            CompletableFuture<ShutdownReport> running;
            synchronized (lock) {
                running = requireNonNull(shutdown);
            }
            return running.join();
        }
        try {
            ShutdownReport report = runSequence();
            mine.complete(report);
            return report;
        } catch (RuntimeException | Error e) {
            mine.completeExceptionally(e);
            throw e;
        }
    }

    private ShutdownReport runSequence() {
        long begin = System.nanoTime();
        long deadline = begin + shutdownTimeout.toNanos();
        log.info("shutting down within {} ms", shutdownTimeout.toMillis());
        List<ShutdownReport.Step> done = new ArrayList<>();
        for (ShutdownPhase phase : ShutdownPhase.values()) {
            List<Hook> phaseHooks;
            List<LifecycleComponent> toStop = List.of();
            synchronized (lock) {
                phaseHooks = List.copyOf(hooks.get(phase));
                if (phase == ShutdownPhase.CLOSE) {
                    closing = true;
                    toStop = new ArrayList<>(started);
                    started.clear();
                }
            }
            log.info("shutdown phase {}", phase);
            for (int i = toStop.size() - 1; i >= 0; i--) {
                LifecycleComponent component = toStop.get(i);
                done.add(new ShutdownReport.Step(phase, component.name(),
                        steps.run(phase, component.name(), component::stop, deadline)));
            }
            for (Hook hook : phaseHooks) {
                done.add(new ShutdownReport.Step(phase, hook.name(),
                        steps.run(phase, hook.name(), hook.action(), deadline)));
            }
        }
        Duration took = Duration.ofNanos(System.nanoTime() - begin);
        ShutdownReport report = new ShutdownReport(done, took);
        if (report.isClean()) {
            log.info("shutdown complete in {} ms", took.toMillis());
        } else {
            log.warn("shutdown finished in {} ms with problems: {}", took.toMillis(), report.steps().stream()
                    .filter(step -> step.outcome() != ShutdownReport.Outcome.COMPLETED).toList());
        }
        return report;
    }

    private void rollBack() {
        List<LifecycleComponent> toStop;
        synchronized (lock) {
            toStop = new ArrayList<>(started);
            started.clear();
        }
        long deadline = deadlineFromNow();
        for (int i = toStop.size() - 1; i >= 0; i--) {
            LifecycleComponent component = toStop.get(i);
            steps.run(ShutdownPhase.CLOSE, component.name(), component::stop, deadline);
        }
    }

    private long deadlineFromNow() {
        return System.nanoTime() + shutdownTimeout.toNanos();
    }

    /**
     * Configures a {@link Lifecycle}. Not thread-safe; {@link #build()} copies.
     */
    public static final class Builder {
        private Duration shutdownTimeout = Duration.ofSeconds(30);
        private Duration hookTimeout = Duration.ofSeconds(10);

        private Builder() {}

        /**
         * The overall deadline of the shutdown sequence; default 30 s. Keep it below the
         * orchestrator's grace period (Kubernetes: {@code terminationGracePeriodSeconds}, 30 s by
         * default) minus the time the {@code preStop} hook takes.
         *
         * @param shutdownTimeout positive
         * @return this builder
         */
        public Builder shutdownTimeout(Duration shutdownTimeout) {
            this.shutdownTimeout = positive(shutdownTimeout, "shutdownTimeout");
            return this;
        }

        /**
         * How long one hook or component stop may take; default 10 s, and never more than what is
         * left of the overall deadline. It keeps one hanging hook from using up the time of all
         * later ones.
         *
         * @param hookTimeout positive
         * @return this builder
         */
        public Builder hookTimeout(Duration hookTimeout) {
            this.hookTimeout = positive(hookTimeout, "hookTimeout");
            return this;
        }

        /**
         * Builds the lifecycle.
         *
         * @return a new lifecycle with no components and no hooks
         */
        public Lifecycle build() {
            return new Lifecycle(this);
        }

        private static Duration positive(Duration value, String name) {
            requireNonNull(value, name);
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(name + " must be positive, was " + value);
            }
            return value;
        }
    }
}
