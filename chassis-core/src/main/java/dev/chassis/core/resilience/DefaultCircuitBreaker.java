package dev.chassis.core.resilience;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The breaker's state machine. Failsafe's own breaker reads {@code System.nanoTime()} for its open
 * delay and cannot take a {@link Clock}, so the states, the count-based window and the half-open
 * permits live here; {@link Resilience} asks for a {@link Permit} around each attempt.
 *
 * <p>The closed path reads one volatile field and, after the call, takes a private lock to record the
 * outcome. Every transition starts a new epoch; outcomes of permits from an older epoch are dropped,
 * so a slow call that started before the breaker opened cannot decide a half-open trial.
 */
final class DefaultCircuitBreaker implements CircuitBreaker, CircuitBreakerEvents {
    private static final Logger LOG = LoggerFactory.getLogger(CircuitBreaker.class);

    private final String name;
    private final CircuitBreakerConfig config;
    private final Clock clock;
    private final List<CircuitBreakerListener> listeners = new CopyOnWriteArrayList<>();
    private final Object lock = new Object();

    /** Read without the lock on the closed path; replaced only under {@link #lock}. */
    private volatile Phase phase;

    // guarded by lock
    private final boolean[] window;
    private int buffered;
    private int next;
    private int failures;
    private int probesAdmitted;
    private int probesSucceeded;

    private record Phase(State state, long epoch, Instant openedAt) {
    }

    DefaultCircuitBreaker(String name, CircuitBreakerConfig config, Clock clock) {
        this.name = name;
        this.config = config;
        this.clock = clock;
        this.window = new boolean[config.slidingWindowSize()];
        this.phase = new Phase(State.CLOSED, 0, clock.instant());
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public CircuitBreakerConfig config() {
        return config;
    }

    @Override
    public State state() {
        return phase.state();
    }

    @Override
    public CircuitBreakerMetrics metrics() {
        synchronized (lock) {
            double rate = buffered == 0 ? 0.0 : failures * 100.0 / buffered;
            return new CircuitBreakerMetrics(phase.state(), buffered, failures, rate);
        }
    }

    @Override
    public CircuitBreakerEvents events() {
        return this;
    }

    @Override
    public void addListener(CircuitBreakerListener listener) {
        listeners.add(requireNonNull(listener, "listener"));
    }

    @Override
    public void removeListener(CircuitBreakerListener listener) {
        listeners.remove(requireNonNull(listener, "listener"));
    }

    @Override
    public void reset() {
        @Nullable StateChange change;
        synchronized (lock) {
            change = transition(State.CLOSED);
        }
        publish(change);
    }

    /**
     * Admits one attempt or rejects it.
     *
     * @return the permit, to be settled exactly once
     * @throws CircuitOpenException if the breaker is open, or half-open with no permit left
     */
    Permit acquire() {
        Phase current = phase;
        if (current.state() == State.CLOSED) {
            return new Permit(this, current.epoch(), false);
        }
        @Nullable StateChange change = null;
        @Nullable Permit permit = null;
        Duration retryAfter = Duration.ZERO;
        synchronized (lock) {
            current = phase;
            if (current.state() == State.OPEN) {
                Duration open = Duration.between(current.openedAt(), clock.instant());
                if (open.compareTo(config.openDuration()) >= 0) {
                    change = transition(State.HALF_OPEN);
                    current = phase;
                } else {
                    retryAfter = config.openDuration().minus(open);
                }
            }
            if (current.state() == State.CLOSED) {
                permit = new Permit(this, current.epoch(), false);
            } else if (current.state() == State.HALF_OPEN && probesAdmitted < config.halfOpenPermits()) {
                probesAdmitted++;
                permit = new Permit(this, current.epoch(), true);
            }
        }
        publish(change);
        if (permit == null) {
            CircuitOpenException rejection = new CircuitOpenException(name, retryAfter);
            for (CircuitBreakerListener listener : listeners) {
                try {
                    listener.onCallRejected(rejection);
                } catch (RuntimeException e) {
                    LOG.warn("circuit breaker '{}': listener {} failed", name, listener, e);
                }
            }
            throw rejection;
        }
        if (permit.probe) {
            // a probe that never returns must not hold its permit forever; the timeouts of
            // Resilience settle it first (the watchdog, Failsafe's timer), this is the safety net
            CompletableFuture.delayedExecutor(config.timeout().toNanos(), TimeUnit.NANOSECONDS)
                    .execute(permit::timedOut);
        }
        return permit;
    }

    private void settle(Permit permit, Outcome outcome) {
        @Nullable StateChange change = null;
        synchronized (lock) {
            Phase current = phase;
            if (permit.epoch != current.epoch()) {
                return;
            }
            if (current.state() == State.CLOSED && outcome != Outcome.IGNORED) {
                change = recordClosed(outcome == Outcome.FAILURE);
            } else if (current.state() == State.HALF_OPEN) {
                if (outcome == Outcome.FAILURE) {
                    change = transition(State.OPEN);
                } else if (outcome == Outcome.IGNORED) {
                    probesAdmitted--;
                } else if (++probesSucceeded >= config.halfOpenPermits()) {
                    change = transition(State.CLOSED);
                }
            }
        }
        publish(change);
    }

    private @Nullable StateChange recordClosed(boolean failure) {
        if (buffered == window.length) {
            if (window[next]) {
                failures--;
            }
        } else {
            buffered++;
        }
        window[next] = failure;
        if (failure) {
            failures++;
        }
        next = (next + 1) % window.length;
        if (buffered >= config.minimumCalls()
                && failures * 100L >= (long) config.failureRateThreshold() * buffered) {
            return transition(State.OPEN);
        }
        return null;
    }

    /** Must hold {@link #lock}. Returns the change to publish after the lock is released. */
    private @Nullable StateChange transition(State to) {
        Phase from = phase;
        Instant now = clock.instant();
        phase = new Phase(to, from.epoch() + 1, to == State.OPEN ? now : from.openedAt());
        probesAdmitted = 0;
        probesSucceeded = 0;
        if (to == State.CLOSED) {
            buffered = 0;
            next = 0;
            failures = 0;
        }
        if (from.state() == to) {
            return null;
        }
        return new StateChange(name, from.state(), to, now);
    }

    private void publish(@Nullable StateChange change) {
        if (change == null) {
            return;
        }
        if (change.to() == State.OPEN) {
            LOG.warn("circuit breaker '{}' changed from {} to {}", name, change.from(), change.to());
        } else {
            LOG.info("circuit breaker '{}' changed from {} to {}", name, change.from(), change.to());
        }
        for (CircuitBreakerListener listener : listeners) {
            try {
                listener.onStateChange(change);
            } catch (RuntimeException e) {
                LOG.warn("circuit breaker '{}': listener {} failed", name, listener, e);
            }
        }
    }

    @Override
    public String toString() {
        return "CircuitBreaker[" + name + ", " + phase.state() + "]";
    }

    private enum Outcome { SUCCESS, FAILURE, IGNORED }

    /** One admitted attempt. Settled at most once; later settlements are ignored. */
    static final class Permit {
        private final DefaultCircuitBreaker breaker;
        private final long epoch;
        private final boolean probe;
        private final AtomicBoolean settled = new AtomicBoolean();

        private Permit(DefaultCircuitBreaker breaker, long epoch, boolean probe) {
            this.breaker = breaker;
            this.epoch = epoch;
            this.probe = probe;
        }

        void succeeded() {
            settle(Outcome.SUCCESS);
        }

        void failed() {
            settle(Outcome.FAILURE);
        }

        /** The attempt never reached the dependency (e.g. bulkhead full): neither success nor failure. */
        void ignored() {
            settle(Outcome.IGNORED);
        }

        /** The attempt exceeded its timeout: a failure, logged for a probe. */
        void timedOut() {
            if (probe && !settled.get()) {
                LOG.warn("circuit breaker '{}': probe call exceeded {}, counted as failure", breaker.name,
                        breaker.config.timeout());
            }
            failed();
        }

        private void settle(Outcome outcome) {
            if (settled.compareAndSet(false, true)) {
                breaker.settle(this, outcome);
            }
        }
    }
}
