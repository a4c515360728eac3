package dev.chassis.core.bus;

import static java.util.Objects.requireNonNull;

import dev.chassis.core.context.CorrelationContext;
import dev.chassis.core.context.CorrelationScope;
import dev.chassis.core.envelope.Envelope;
import java.util.Optional;

/**
 * How correlation travels through the bus, shared by every {@link EventBus} implementation so they
 * behave alike.
 *
 * <ul>
 *   <li>On publish, {@link #stamp(Envelope)} fills a missing {@code correlationid} (and
 *       {@code causationid}) from the publisher's current {@link CorrelationContext}, or starts a new
 *       correlation when there is none. Ids already on the envelope are kept.</li>
 *   <li>On delivery, {@link #open(Envelope)} makes the envelope's correlation current around the
 *       handler, with the envelope's id as the causation: whatever the handler publishes is
 *       correlated with, and caused by, the message it handles. Invalid incoming ids are replaced,
 *       never echoed.</li>
 * </ul>
 *
 * <p>Stateless and thread-safe.
 */
public final class MessageCorrelation {
    private MessageCorrelation() {
    }

    /**
     * Fills missing correlation attributes of an outgoing envelope.
     *
     * @param envelope the envelope about to be published
     * @return the envelope, or a copy with {@code correlationid} (and {@code causationid} when known) set
     */
    public static Envelope stamp(Envelope envelope) {
        requireNonNull(envelope, "envelope");
        if (envelope.correlationId().isPresent()) {
            return envelope;
        }
        Optional<CorrelationContext> current = CorrelationContext.current();
        if (current.isEmpty()) {
            return envelope.withCorrelationId(CorrelationContext.generate().correlationId());
        }
        Envelope.Builder b = envelope.toBuilder().correlationId(current.get().correlationId());
        if (envelope.causationId().isEmpty()) {
            current.get().causationId().ifPresent(b::causationId);
        }
        return b.build();
    }

    /**
     * The correlation a handler of this envelope runs in.
     *
     * @param envelope a delivered envelope
     * @return its correlation id (a new one if missing or invalid) caused by the envelope's id
     */
    public static CorrelationContext of(Envelope envelope) {
        requireNonNull(envelope, "envelope");
        return CorrelationContext.fromIncoming(envelope.correlationId().orElse(null), envelope.id());
    }

    /**
     * Makes the envelope's correlation current on this thread; close the scope when the handler ends.
     *
     * @param envelope a delivered envelope
     * @return the scope to close
     */
    public static CorrelationScope open(Envelope envelope) {
        return of(envelope).makeCurrent();
    }
}
