package dev.chassis.core.context;

import static java.util.Objects.requireNonNull;

import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which business action a piece of work belongs to: a correlation id shared by every message, request
 * and log line of that action, and an optional causation id naming the message or request that
 * directly caused this work.
 *
 * <p>Pass it explicitly: it travels in envelopes ({@code correlationid}, {@code causationid}) and in the
 * HTTP headers {@value CorrelationId#HTTP_HEADER} and {@value CorrelationId#CAUSATION_HTTP_HEADER}.
 * Where code without such a parameter needs it — logging, a library callback — open a
 * {@linkplain #makeCurrent() scope} at the edge and read {@link #current()}. To carry the scope into
 * async work, wrap tasks with {@link #wrap(Runnable)} or executors with {@link #wrap(ExecutorService)}.
 *
 * <p>Instances are immutable, thread-safe and intended to be shared.
 *
 * <pre>{@code
 * CorrelationContext ctx = CorrelationContext.fromIncoming(headers.get("x-correlation-id"), null);
 * try (CorrelationScope scope = ctx.makeCurrent()) {
 *     process(order);
 * }
 * CorrelationContext next = ctx.causedBy(incomingMessageId);   // for the messages this work publishes
 * }</pre>
 */
public final class CorrelationContext {
    private static final Logger log = LoggerFactory.getLogger(CorrelationContext.class);

    private final String correlationId;
    private final @Nullable String causationId;

    private CorrelationContext(String correlationId, @Nullable String causationId) {
        this.correlationId = correlationId;
        this.causationId = causationId;
    }

    /**
     * A context with a new, random correlation id and no causation id: the start of a business action.
     *
     * @return a new context
     */
    public static CorrelationContext generate() {
        return new CorrelationContext(CorrelationId.generate(), null);
    }

    /**
     * A context with a known, valid correlation id and no causation id.
     *
     * @param correlationId a valid id, see {@link CorrelationId#isValid(String)}
     * @return the context
     * @throws IllegalArgumentException if the id is invalid; the message does not repeat it
     */
    public static CorrelationContext of(String correlationId) {
        requireNonNull(correlationId, "correlationId");
        return new CorrelationContext(CorrelationId.require(correlationId, "correlationId"), null);
    }

    /**
     * A context with known, valid correlation and causation ids.
     *
     * @param correlationId a valid id, see {@link CorrelationId#isValid(String)}
     * @param causationId the id of the message or request that caused this work, a valid id
     * @return the context
     * @throws IllegalArgumentException if an id is invalid; the message does not repeat it
     */
    public static CorrelationContext of(String correlationId, String causationId) {
        requireNonNull(correlationId, "correlationId");
        requireNonNull(causationId, "causationId");
        return new CorrelationContext(CorrelationId.require(correlationId, "correlationId"),
                CorrelationId.require(causationId, "causationId"));
    }

    /**
     * A context from ids received from outside — HTTP headers, message properties — which may be
     * missing, oversized or hostile. A missing correlation id is replaced by a new one; an invalid one
     * is replaced too and a debug line "invalid incoming correlation id replaced (length N)" is logged.
     * An invalid causation id is dropped the same way. Raw values are never logged or kept, since they
     * may carry CR/LF or ANSI escapes meant to forge log lines.
     *
     * @param rawCorrelationId the received correlation id, or {@code null} if none was sent
     * @param rawCausationId the received causation id, or {@code null} if none was sent
     * @return a context with valid ids
     */
    public static CorrelationContext fromIncoming(@Nullable String rawCorrelationId, @Nullable String rawCausationId) {
        String correlationId = rawCorrelationId;
        if (!CorrelationId.isValid(correlationId)) {
            if (correlationId != null) {
                log.debug("invalid incoming correlation id replaced (length {})", correlationId.length());
            }
            correlationId = CorrelationId.generate();
        }
        String causationId = rawCausationId;
        if (causationId != null && !CorrelationId.isValid(causationId)) {
            log.debug("invalid incoming causation id dropped (length {})", causationId.length());
            causationId = null;
        }
        return new CorrelationContext(correlationId, causationId);
    }

    /**
     * The context that is current on this thread, set by {@link #makeCurrent()}.
     *
     * @return the innermost open scope's context, or empty outside any scope
     */
    public static Optional<CorrelationContext> current() {
        return Optional.ofNullable(ScopeStack.current());
    }

    /**
     * The correlation id shared by all work of one business action.
     *
     * @return a valid id
     */
    public String correlationId() {
        return correlationId;
    }

    /**
     * The id of the message or request that directly caused this work.
     *
     * @return a valid id, or empty at the start of an action
     */
    public Optional<String> causationId() {
        return Optional.ofNullable(causationId);
    }

    /**
     * The context for the next hop: the same correlation id, caused by the given message.
     *
     * <pre>{@code
     * CorrelationContext next = ctx.causedBy(incoming.id());   // then publish with next
     * }</pre>
     *
     * @param messageId the id of the message or request being handled, a valid id
     * @return a new context
     * @throws IllegalArgumentException if the id is invalid; the message does not repeat it
     */
    public CorrelationContext causedBy(String messageId) {
        requireNonNull(messageId, "messageId");
        return new CorrelationContext(correlationId, CorrelationId.require(messageId, "messageId"));
    }

    /**
     * Makes this context current on this thread until the returned scope is closed. Meant for the
     * edges: HTTP filters, message consumers, log bridges.
     *
     * @return the scope, to be closed on this thread, best with try-with-resources
     */
    public CorrelationScope makeCurrent() {
        return ScopeStack.open(this);
    }

    /**
     * A task that runs the given one with this context current, wherever it runs.
     *
     * @param task the task
     * @return the wrapping task
     */
    public Runnable wrap(Runnable task) {
        return Propagation.bind(this, requireNonNull(task, "task"));
    }

    /**
     * A task that calls the given one with this context current, wherever it runs.
     *
     * @param task the task
     * @param <V> the task's result type
     * @return the wrapping task
     */
    public <V> Callable<V> wrap(Callable<V> task) {
        return Propagation.bind(this, requireNonNull(task, "task"));
    }

    /**
     * A supplier that calls the given one with this context current, e.g. for
     * {@code CompletableFuture.supplyAsync}. Not an overload of {@code wrap}, because a lambda
     * returning a value would fit both {@code Callable} and {@code Supplier}.
     *
     * @param supplier the supplier
     * @param <V> the result type
     * @return the wrapping supplier
     */
    @SuppressWarnings("try") // the scope is held for its effect, not referenced
    public <V> Supplier<V> wrapSupplier(Supplier<V> supplier) {
        requireNonNull(supplier, "supplier");
        return () -> {
            try (CorrelationScope scope = makeCurrent()) {
                return supplier.get();
            }
        };
    }

    /**
     * An executor that runs each task with the context that was current on the submitting thread when
     * it was submitted, or with no context if none was. Worker threads hold no context between tasks.
     *
     * @param executor the executor to delegate to
     * @return the wrapping executor
     */
    public static Executor wrap(Executor executor) {
        requireNonNull(executor, "executor");
        if (executor instanceof ExecutorService service) {
            return wrap(service);
        }
        return executor instanceof Propagation.PropagatingExecutor ? executor : new Propagation.PropagatingExecutor(executor);
    }

    /**
     * An executor service that runs each task with the context that was current on the submitting
     * thread when it was submitted, or with no context if none was. Shutdown and termination are
     * delegated; {@code shutdownNow()} returns the delegate's (wrapped) tasks.
     *
     * <pre>{@code
     * ExecutorService workers = CorrelationContext.wrap(Executors.newFixedThreadPool(4));
     * try (CorrelationScope scope = ctx.makeCurrent()) {
     *     workers.submit(() -> log.info("same correlation id here"));
     * }
     * }</pre>
     *
     * @param executor the executor service to delegate to
     * @return the wrapping executor service
     */
    public static ExecutorService wrap(ExecutorService executor) {
        requireNonNull(executor, "executor");
        return executor instanceof Propagation.PropagatingExecutorService
                ? executor : new Propagation.PropagatingExecutorService(executor);
    }

    @Override
    public boolean equals(@Nullable Object other) {
        return other instanceof CorrelationContext that
                && correlationId.equals(that.correlationId)
                && Objects.equals(causationId, that.causationId);
    }

    @Override
    public int hashCode() {
        return Objects.hash(correlationId, causationId);
    }

    @Override
    public String toString() {
        return "CorrelationContext[correlationId=" + correlationId
                + (causationId == null ? "" : ", causationId=" + causationId) + "]";
    }
}
