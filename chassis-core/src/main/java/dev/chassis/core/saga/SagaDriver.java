package dev.chassis.core.saga;

import static java.util.Objects.requireNonNull;

import dev.chassis.core.NonRetryableException;
import dev.chassis.core.envelope.Envelope;
import io.opentelemetry.api.trace.Span;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs sagas for a {@link SagaOrchestrator}: takes the local lock and the store lease, works out
 * transitions with the {@link SagaEngine}, runs calls and saves. Thread-safe.
 */
final class SagaDriver {
    private static final Logger log = LoggerFactory.getLogger(SagaOrchestrator.class);
    private static final int STRIPES = 64;

    private final String name;
    private final SagaStore store;
    private final Clock clock;
    private final String owner;
    private final Duration leaseDuration;
    private final SagaListener listener;
    private final Map<String, SagaEngine<?>> engines;
    private final SagaCounters counters;
    private final SagaTracing tracing;
    private final ReentrantLock[] stripes = new ReentrantLock[STRIPES];

    SagaDriver(String name, SagaStore store, Clock clock, String owner, Duration leaseDuration, SagaListener listener,
            Map<String, SagaEngine<?>> engines, SagaCounters counters, SagaTracing tracing) {
        this.name = name;
        this.store = store;
        this.clock = clock;
        this.owner = owner;
        this.leaseDuration = leaseDuration;
        this.listener = listener;
        this.engines = engines;
        this.counters = counters;
        this.tracing = tracing;
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new ReentrantLock();
        }
    }

    static String key(String type, int version) {
        return type + "@" + version;
    }

    <S> String start(SagaDefinition<S> definition, String sagaId, S data) {
        SagaEngine<S> engine = engineOf(definition);
        ReentrantLock lock = lockFor(sagaId);
        lock.lock();
        try {
            Instant now = clock.instant();
            SagaDraft d = SagaDraft.fresh(sagaId, definition.type(), definition.version(), definition.write(data), now);
            d.record(null, SagaEvents.STARTED, "version " + definition.version());
            engine.enter(d, SagaState.RUNNING, 0, 1);
            SagaInstance instance = d.build();
            List<Span> sends = tracing.send(definition.type(), d.outgoing);
            try {
                store.insert(instance, d.outgoing);
            } catch (RuntimeException | Error e) {
                SagaTracing.end(sends, e);
                throw e;
            }
            SagaTracing.end(sends, null);
            counters.started.incrementAndGet();
            log.debug("saga {} {} started", definition, sagaId);
            counters.afterSave(instance, d.added);
            // leased after the insert: a store may lease only sagas it holds; if another instance
            // recovering at this moment got the lease first, that one drives the saga on
            if (store.lease(sagaId, owner, now.plus(leaseDuration))) {
                try {
                    advance(engine, store.find(sagaId).orElse(instance));
                } finally {
                    store.release(sagaId, owner);
                }
            }
        } finally {
            lock.unlock();
        }
        return sagaId;
    }

    private <S> SagaEngine<S> engineOf(SagaDefinition<S> definition) {
        SagaEngine<?> engine = engines.get(key(definition.type(), definition.version()));
        if (engine == null) {
            throw new IllegalArgumentException("saga definition " + definition + " is not registered with orchestrator '"
                    + name + "': add it with SagaOrchestrator.builder(store).definition(...)");
        }
        if (engine.definition() != definition) {
            throw new IllegalArgumentException("another SagaDefinition object is registered as " + definition
                    + " with orchestrator '" + name + "': start sagas with the registered definition object");
        }
        return (SagaEngine<S>) engine;
    }

    SagaReplyOutcome onReply(Envelope reply) {
        String sagaId = reply.extension(SagaEnvelopes.SAGA_ID).map(Object::toString).orElse(null);
        String stepName = reply.extension(SagaEnvelopes.SAGA_STEP).map(Object::toString).orElse(null);
        String phase = reply.extension(SagaEnvelopes.SAGA_PHASE).map(Object::toString).orElse(null);
        if (sagaId == null || stepName == null || phase == null) {
            return ignore(reply, "not a saga reply: it lacks the sagaid, sagastep or sagaphase extension");
        }
        if (store.find(sagaId).isEmpty()) {
            return ignore(reply, "unknown saga '" + sagaId + "'");
        }
        ReentrantLock lock = lockFor(sagaId);
        lock.lock();
        try {
            if (!store.lease(sagaId, owner, clock.instant().plus(leaseDuration))) {
                counters.conflicts.incrementAndGet();
                throw new SagaBusyException(sagaId, "saga '" + sagaId + "' is being driven by another orchestrator; "
                        + "redeliver reply " + reply.id());
            }
            try {
                Optional<SagaInstance> found = store.find(sagaId);
                if (found.isEmpty()) {
                    return ignore(reply, "unknown saga '" + sagaId + "'");
                }
                SagaEngine<?> engine = engines.get(key(found.get().type(), found.get().definitionVersion()));
                if (engine == null) {
                    failUnregistered(found.get());
                    return ignore(reply, "saga '" + sagaId + "' has an unregistered definition version");
                }
                return applyReply(engine, found.get(), reply, stepName, phase);
            } finally {
                store.release(sagaId, owner);
            }
        } finally {
            lock.unlock();
        }
    }

    private <S> SagaReplyOutcome applyReply(SagaEngine<S> engine, SagaInstance instance, Envelope reply,
            String stepName, String phase) {
        if (instance.state().isFinal()) {
            return ignore(reply, "saga '" + instance.id() + "' is " + instance.state());
        }
        String currentStep = engine.step(instance.step()).name();
        String currentPhase = SagaEngine.phase(instance.state());
        SagaAction<S> action = engine.current(instance.state(), instance.step());
        if (!currentStep.equals(stepName) || !currentPhase.equals(phase) || !action.isCommand()) {
            return ignore(reply, "stale reply for " + phase + " of step '" + stepName + "': saga '" + instance.id()
                    + "' is at the " + currentPhase + " of step '" + currentStep + "'");
        }
        Optional<String> failure = SagaEnvelopes.failure(reply);
        if (failure.isPresent() && SagaEvents.waitingForRetry(instance.history())) {
            return ignore(reply, "duplicate failure reply: saga '" + instance.id() + "' is waiting to retry");
        }
        boolean compensating = instance.state() == SagaState.COMPENSATING;
        SagaDraft d = SagaDraft.of(instance, clock.instant());
        if (failure.isPresent()) {
            engine.failed(d, "reply " + reply.type() + ": " + failure.get(), compensating);
        } else {
            S next;
            try {
                next = requireNonNull(action.replyHandler().onReply(engine.definition().read(instance.data()), reply),
                        "the reply handler returned null");
            } catch (Exception e) {
                engine.failed(d, "reply " + reply.type() + " could not be applied: " + describe(e), compensating);
                return saveReply(engine, instance, d, reply);
            }
            engine.succeeded(d, next);
        }
        return saveReply(engine, instance, d, reply);
    }

    private <S> SagaReplyOutcome saveReply(SagaEngine<S> engine, SagaInstance instance, SagaDraft d, Envelope reply) {
        Optional<SagaInstance> saved = save(instance, d);
        if (saved.isEmpty()) {
            throw new SagaBusyException(instance.id(), "saga '" + instance.id() + "' was saved by another orchestrator "
                    + "meanwhile; redeliver reply " + reply.id());
        }
        counters.repliesApplied.incrementAndGet();
        advance(engine, saved.get());
        return SagaReplyOutcome.APPLIED;
    }

    private SagaReplyOutcome ignore(Envelope reply, String reason) {
        counters.repliesIgnored.incrementAndGet();
        log.info("ignored saga reply {} of type {}: {}", reply.id(), reply.type(), reason);
        counters.notify(() -> listener.onReplyIgnored(reply, reason));
        return SagaReplyOutcome.IGNORED;
    }

    boolean cancel(String sagaId, String reason) {
        if (store.find(sagaId).isEmpty()) {
            return false;
        }
        ReentrantLock lock = lockFor(sagaId);
        lock.lock();
        try {
            if (!store.lease(sagaId, owner, clock.instant().plus(leaseDuration))) {
                counters.conflicts.incrementAndGet();
                throw new SagaBusyException(sagaId, "saga '" + sagaId + "' is being driven by another orchestrator; "
                        + "cancel again");
            }
            try {
                Optional<SagaInstance> found = store.find(sagaId);
                if (found.isEmpty() || found.get().state() != SagaState.RUNNING) {
                    return false;
                }
                SagaEngine<?> engine = engines.get(key(found.get().type(), found.get().definitionVersion()));
                if (engine == null) {
                    failUnregistered(found.get());
                    return false;
                }
                SagaDraft d = SagaDraft.of(found.get(), clock.instant());
                engine.cancel(d, reason);
                Optional<SagaInstance> saved = save(found.get(), d);
                if (saved.isEmpty()) {
                    throw new SagaBusyException(sagaId, "saga '" + sagaId + "' was saved by another orchestrator "
                            + "meanwhile; cancel again");
                }
                advance(engine, saved.get());
                return true;
            } finally {
                store.release(sagaId, owner);
            }
        } finally {
            lock.unlock();
        }
    }

    boolean drive(String sagaId) {
        ReentrantLock lock = lockFor(sagaId);
        if (!lock.tryLock()) {
            return false;
        }
        try {
            if (!store.lease(sagaId, owner, clock.instant().plus(leaseDuration))) {
                return false;
            }
            try {
                Optional<SagaInstance> found = store.find(sagaId);
                if (found.isEmpty() || found.get().state().isFinal()) {
                    return false;
                }
                SagaEngine<?> engine = engines.get(key(found.get().type(), found.get().definitionVersion()));
                if (engine == null) {
                    failUnregistered(found.get());
                } else {
                    advance(engine, found.get());
                }
                return true;
            } finally {
                store.release(sagaId, owner);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Moves a saga on while it can without a reply: runs calls, fires a passed deadline. */
    private <S> void advance(SagaEngine<S> engine, SagaInstance instance) {
        SagaInstance current = instance;
        while (!current.state().isFinal()) {
            Instant now = clock.instant();
            boolean due = current.deadline() != null && !current.deadline().isAfter(now);
            boolean waiting = SagaEvents.waitingForRetry(current.history());
            SagaAction<S> action = engine.current(current.state(), current.step());
            SagaDraft d = SagaDraft.of(current, now);
            if (action.isCommand()) {
                if (!due) {
                    return;
                }
                if (waiting) {
                    engine.enter(d, current.state(), current.step(), current.attempt());
                } else {
                    engine.timedOut(d);
                }
            } else {
                if (waiting && !due) {
                    return;
                }
                if (!store.lease(current.id(), owner, now.plus(leaseDuration))) {
                    counters.conflicts.incrementAndGet();
                    return;
                }
                runCall(engine, action, d);
            }
            Optional<SagaInstance> saved = save(current, d);
            if (saved.isEmpty()) {
                return;
            }
            current = saved.get();
        }
    }

    private <S> void runCall(SagaEngine<S> engine, SagaAction<S> action, SagaDraft d) {
        S data = engine.definition().read(d.data);
        String key = engine.key(d);
        S result;
        try (SagaTracing.Step step = tracing.call(d, engine.step(d.step).name())) {
            try {
                result = requireNonNull(action.call().call(data, key), "the call returned null instead of the saga data");
            } catch (Exception e) {
                step.failed(e);
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                log.debug("saga call {} (attempt {}) failed", key, d.attempt, e);
                engine.failed(d, describe(e), !(e instanceof NonRetryableException));
                return;
            }
        }
        engine.succeeded(d, result);
    }

    private static String describe(Exception e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    private void failUnregistered(SagaInstance instance) {
        TreeSet<Integer> versions = new TreeSet<>();
        for (SagaEngine<?> e : engines.values()) {
            if (e.definition().type().equals(instance.type())) {
                versions.add(e.definition().version());
            }
        }
        SagaDraft d = SagaDraft.of(instance, clock.instant());
        SagaEngine.fail(d, "definition '" + instance.type() + "' version " + instance.definitionVersion()
                + " is not registered with orchestrator '" + name + "' (registered versions: " + versions
                + "); a saga never runs on another version than it started with: register that version and "
                + "compensate or resolve this saga by hand");
        save(instance, d);
    }

    private Optional<SagaInstance> save(SagaInstance from, SagaDraft d) {
        SagaInstance next = d.build();
        List<Span> sends = tracing.send(d.type, d.outgoing);
        boolean updated;
        try {
            updated = store.update(next, d.outgoing);
        } catch (RuntimeException | Error e) {
            SagaTracing.end(sends, e);
            throw e;
        }
        SagaTracing.end(sends, null);
        if (!updated) {
            counters.conflicts.incrementAndGet();
            log.debug("saga {} revision {} was saved by someone else; dropping this transition", from.id(), from.revision());
            return Optional.empty();
        }
        counters.afterSave(next, d.added);
        return Optional.of(next);
    }

    private ReentrantLock lockFor(String sagaId) {
        return stripes[Math.floorMod(sagaId.hashCode(), STRIPES)];
    }
}
